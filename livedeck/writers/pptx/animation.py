"""PowerPoint "appear on click" animations: the slide's steps as a timing tree, no extra slides; and the
Morph transition between a morph's states.

python-pptx has no animation API, so this writes the slide's `<p:timing>` the way
PowerPoint itself saves an Appear entrance effect: one click group per step, each
shape (or paragraph, for an incremental list) made visible with a `set` behaviour.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from lxml import etree
from pptx.oxml.ns import nsdecls

# An Appear entrance effect on one target, as PowerPoint writes it.
_EFFECT = """
<p:par><p:cTn id="{id}" presetID="1" presetClass="entr" presetSubtype="0" fill="hold" grpId="0"
    nodeType="{node}"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst><p:set><p:cBhvr>
  <p:cTn id="{inner}" dur="1" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst></p:cTn>
  <p:tgtEl><p:spTgt spid="{spid}">{paragraph}</p:spTgt></p:tgtEl>
  <p:attrNameLst><p:attrName>style.visibility</p:attrName></p:attrNameLst>
</p:cBhvr><p:to><p:strVal val="visible"/></p:to></p:set></p:childTnLst></p:cTn></p:par>"""


BY_PARAGRAPH = ' build="p"'


@dataclass(frozen=True)
class Target:
    shape_id: int
    paragraph: Optional[int] = None  # animate one paragraph of a text shape, not the whole shape
    has_text: bool = False


def _click(ids: list[int], targets: list[Target]) -> str:
    effects = []
    for index, target in enumerate(targets):
        paragraph = (f'<p:txEl><p:pRg st="{target.paragraph}" end="{target.paragraph}"/></p:txEl>'
                     if target.paragraph is not None else "")
        effects.append(_EFFECT.format(id=_next(ids), inner=_next(ids), spid=target.shape_id,
                                      paragraph=paragraph, node="clickEffect" if index == 0 else "withEffect"))
    outer, inner = _next(ids), _next(ids)
    return (f'<p:par><p:cTn id="{outer}" fill="hold"><p:stCondLst><p:cond delay="indefinite"/></p:stCondLst>'
            f'<p:childTnLst><p:par><p:cTn id="{inner}" fill="hold"><p:stCondLst><p:cond delay="0"/>'
            f'</p:stCondLst><p:childTnLst>{"".join(effects)}</p:childTnLst></p:cTn></p:par>'
            f'</p:childTnLst></p:cTn></p:par>')


def _next(ids: list[int]) -> int:
    ids[0] += 1
    return ids[0]


def add_clicks(slide, clicks: list[list[Target]]) -> None:
    """Make each group of targets appear at its own click, in order."""
    clicks = [c for c in clicks if c]
    if not clicks:
        return
    ids = [2]  # 1 is the root, 2 the main sequence
    groups = "".join(_click(ids, targets) for targets in clicks)
    builds = {}
    for target in (t for targets in clicks for t in targets if t.has_text):
        builds[target.shape_id] = "p" if target.paragraph is not None else None
    build_list = "".join(f'<p:bldP spid="{spid}" grpId="0"{BY_PARAGRAPH if kind else ""}/>'
                         for spid, kind in builds.items())
    xml = (f'<p:timing {nsdecls("p")}><p:tnLst><p:par>'
           f'<p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot"><p:childTnLst>'
           f'<p:seq concurrent="1" nextAc="seek"><p:cTn id="2" dur="indefinite" nodeType="mainSeq">'
           f'<p:childTnLst>{groups}</p:childTnLst></p:cTn>'
           f'<p:prevCondLst><p:cond evt="onPrev" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:prevCondLst>'
           f'<p:nextCondLst><p:cond evt="onNext" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:nextCondLst>'
           f'</p:seq></p:childTnLst></p:cTn></p:par></p:tnLst>'
           f'{"<p:bldLst>" + build_list + "</p:bldLst>" if build_list else ""}</p:timing>')
    # <p:timing> follows <p:clrMapOvr> and the slide's transition, if it has one (add_morph's, in either order)
    _after_colour_map(slide, _P + "transition", _MC + "AlternateContent").addnext(etree.fromstring(xml))


_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"


def _after_colour_map(slide, *skipping: str):
    """Where a slide's transition or timing goes: after its <p:clrMapOvr>, and after the elements right behind
    it whose tags are `skipping` (the schema's order: clrMapOvr, transition, timing)."""
    anchor = slide._element.find(_P + "clrMapOvr")
    while anchor.getnext() is not None and anchor.getnext().tag in skipping:
        anchor = anchor.getnext()
    return anchor


# PowerPoint's Morph transition (PowerPoint 2019 and 365) moves each word of the code box of the same name from
# the slide before; a viewer without it (LibreOffice, older PowerPoint) reads the fallback, a fade.
_MORPH = (f'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" {nsdecls("p")}>'
          '<mc:Choice xmlns:p159="http://schemas.microsoft.com/office/powerpoint/2015/09/main" Requires="p159">'
          '<p:transition spd="slow"><p159:morph option="byWord"/></p:transition></mc:Choice>'
          '<mc:Fallback><p:transition spd="slow"><p:fade/></p:transition></mc:Fallback></mc:AlternateContent>')

# PowerPoint matches shapes across a Morph by a name that starts with "!!"
MORPH_PREFIX = "!!"


def add_morph(slide) -> None:
    """The slide comes in by a Morph from the slide before (by word), a fade where Morph is unknown."""
    _after_colour_map(slide).addnext(etree.fromstring(_MORPH))  # before any <p:timing>
