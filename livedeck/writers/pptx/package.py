"""The .pptx as a file: the template it is built on (checked, and mended where PowerPoint would complain), and
the package written the same, byte for byte, for the same deck."""
from __future__ import annotations

import datetime
import io
import os
import zipfile
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.presentation import Presentation as PresentationFile  # the type of what Presentation() opens

from livedeck.base.errors import UsageError
from livedeck.layout.richtext import plain_text
from livedeck.model import Deck

LAYOUTS = ("Title Slide", "Title Only")  # the theme's layouts livedeck uses, by name


class TemplateError(UsageError):
    """A --template that cannot be used; the message names the file and what is missing."""


def load_template(path: Path) -> PresentationFile:
    try:
        prs = Presentation(str(path))
    except Exception as exc:  # python-pptx raises several kinds for a file that is not a .pptx
        raise TemplateError(f"{path}: not a PowerPoint file ({type(exc).__name__})") from None
    _refuse_what_reaches_out(prs, path)
    names = [layout.name for layout in prs.slide_layouts]
    for name in LAYOUTS:
        if name not in names:
            raise TemplateError(f"{path}: the theme has no slide layout named {name!r} "
                                f"(it has: {', '.join(names)})")
    # A theme may carry sample slides; a deck starts empty.
    for slide_id in list(prs.slides._sldIdLst):
        prs.part.drop_rel(slide_id.rId)
        prs.slides._sldIdLst.remove(slide_id)
    mend_package(prs)
    return prs


def _a_web_link(rel) -> bool:
    """A hyperlink to a web page or a mail address, which a reader may follow: nothing is fetched on opening."""
    from pptx.opc.constants import RELATIONSHIP_TYPE

    return rel.reltype == RELATIONSHIP_TYPE.HYPERLINK and rel.target_ref.lower().startswith(("https://", "http://",
                                                                                              "mailto:"))


def _refuse_what_reaches_out(prs: PresentationFile, path: Path) -> None:
    """A template's links outside the file (a picture from http://, a file:// network share; a hyperlink to a
    web page is fine) and its macros would go into every deck built on it: a deck never reaches outside the
    course, nor runs code. Such a template is refused with what it holds; the lecturer saves it without
    them (dropping a link would leave the picture that uses it broken)."""
    package = prs.part.package
    holders: list[tuple[str, Any]] = [("/", package._rels), *((str(p.partname), p.rels) for p in package.iter_parts())]
    for where, rels in holders:
        for rel in rels.values():
            if rel.is_external and not _a_web_link(rel):
                raise TemplateError(f"{path}: it links {rel.target_ref[:120]} from {where}, outside the file; decks "
                                    "never reach outside the course: remove the link (or embed the picture) and "
                                    "save it again")
    macros = [str(part.partname) for part in package.iter_parts()
              if "vbaproject" in str(part.partname).lower() or "macroEnabled" in part.content_type]
    if macros:
        raise TemplateError(f"{path}: it holds macros ({macros[0]}); decks never run code: save it as a "
                            "PowerPoint Presentation (.pptx), without macros")


VIEW_PROPERTIES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   b'<p:viewPr xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>')


def mend_package(prs) -> None:
    """Themes saved by LibreOffice have no viewProps part, and PowerPoint offers to "repair" a deck
    without one; an empty <p:viewPr> (every child is optional) is what it expects."""
    from pptx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from pptx.opc.package import PackURI, Part

    # LibreOffice also relates its core properties under a non-standard type that python-pptx does not
    # recognise, so python-pptx would add a second /docProps/core.xml: a zip with a duplicate entry.
    package = prs.part.package
    for rId, rel in list(package._rels.items()):
        if rel.reltype.endswith("/metadata/core-properties") and rel.reltype != RELATIONSHIP_TYPE.CORE_PROPERTIES:
            package.drop_rel(rId)
    if any(rel.reltype == RELATIONSHIP_TYPE.VIEW_PROPS for rel in prs.part.rels.values()):
        return
    part = Part(PackURI("/ppt/viewProps.xml"), CONTENT_TYPE.PML_VIEW_PROPS, prs.part.package, VIEW_PROPERTIES)
    prs.part.relate_to(part, RELATIONSHIP_TYPE.VIEW_PROPS)


def reproducible(prs, deck: Deck) -> None:
    # python-pptx stamps the current time; a fixed date (or SOURCE_DATE_EPOCH) keeps bytes stable.
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "946684800"))  # 2000-01-01
    stamp = datetime.datetime.fromtimestamp(epoch, tz=datetime.UTC).replace(tzinfo=None)
    properties = prs.core_properties
    properties.created = properties.modified = properties.last_printed = stamp
    properties.revision = 1
    properties.author = properties.last_modified_by = "livedeck"
    properties.title = plain_text(deck.title)
    properties.subject = deck.source


def stable_zip(data: bytes) -> bytes:
    """Same entries, same order, fixed times: zip metadata otherwise differs on every save."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return output.getvalue()
