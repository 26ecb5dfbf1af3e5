"""Check a .pptx against the OOXML schemas (ECMA-376) as PowerPoint reads them.

PowerPoint is stricter than LibreOffice: a part that breaks the schema gets its "found a
problem with content… repair" prompt. openxml-audit (pure Python, modelled on the Open XML
SDK's validator) checks the schema, relationships and package rules without PowerPoint.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SchemaError:
    part: str  # the package part, "/ppt/slides/slide3.xml"
    where: str  # the element's path in that part
    message: str

    def __str__(self) -> str:
        return f"{self.part}{' at ' + self.where if self.where else ''}: {self.message}"


def schema_errors(path: Path) -> list[SchemaError]:
    """Every schema, relationship and package error, as PowerPoint for Microsoft 365 would see them."""
    from openxml_audit import FileFormat, OpenXmlValidator

    result = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365).validate(str(path))
    return [SchemaError(error.part_uri or "", error.path or "", error.description) for error in result.errors]
