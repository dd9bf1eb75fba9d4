"""What reading a label gives: text lines, decoded codes and fields, each with where it was seen."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

FIELD_KINDS = ("style_code", "size", "country", "date_code", "serial", "upc")


@dataclass(frozen=True)
class Box:
    """A rectangle in photo pixels."""

    x: int
    y: int
    w: int
    h: int

    def part(self, start: int, end: int, length: int) -> Box:
        """The share of this line box holding characters start..end of a line `length` long."""
        if length <= 0:
            return self
        left = self.x + self.w * start // length
        right = self.x + self.w * end // length
        return Box(left, self.y, max(1, right - left), self.h)

    def scaled(self, factor: float) -> Box:
        return Box(round(self.x * factor), round(self.y * factor), max(1, round(self.w * factor)),
                   max(1, round(self.h * factor)))


@dataclass(frozen=True)
class TextLine:
    text: str
    confidence: float
    box: Box


@dataclass(frozen=True)
class Code:
    """A barcode or 2D code decoded from the photo."""

    format: str
    text: str
    box: Box


@dataclass(frozen=True)
class Field:
    """A value recognised on the label, with the evidence for it.

    `read` is what the photo showed; `value` differs from it only where the brand's registry
    made one correction of look-alike characters (O/0, I/1, S/5...) the only possible reading.
    """

    kind: str
    value: str
    box: Box
    confidence: float
    source: str  # "text" or the code format it came from
    read: str = ""  # the words on the label it was taken from
    corrected: bool = False  # look-alike characters were corrected by the registry
    others: tuple[str, ...] = ()  # other values of this kind the label also shows


@dataclass(frozen=True)
class LabelReading:
    width: int
    height: int
    lines: list[TextLine] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    checklist_id: str | None = None

    def field(self, kind: str) -> Field | None:
        return next((f for f in self.fields if f.kind == kind), None)

    def values(self) -> dict[str, str]:
        return {f.kind: f.value for f in self.fields}

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
