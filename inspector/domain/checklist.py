"""The checklist format: what a brand expert writes in checklists/<brand>/<model>.yaml."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from inspector.domain.patterns import compile_pattern, full_match


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


class PhotoRule(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"
    NONE = "none"


class ValueKind(StrEnum):
    """What a value step asks for; decides which brand data checks it."""

    STYLE_CODE = "style_code"
    COUNTRY = "country"
    DATE_CODE = "date_code"
    SERIAL = "serial"
    SIZE = "size"
    UPC = "upc"
    TEXT = "text"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _check_regex(pattern: str) -> str:
    compile_pattern(pattern)
    return pattern


Regex = Annotated[str, Field(min_length=1)]


class Region(_Strict):
    """A rectangle in reference-image pixels."""

    x: int = Field(ge=0)
    y: int = Field(ge=0)
    w: int = Field(gt=0)
    h: int = Field(gt=0)

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, data: object) -> object:
        if isinstance(data, list | tuple):
            if len(data) != 4:
                raise ValueError("a region is [x, y, w, h]: four whole numbers")
            return dict(zip(("x", "y", "w", "h"), data, strict=True))
        return data

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)


class CompareSettings(_Strict):
    region: Region | None = None
    # Boxes left out of the comparison: print that differs on every genuine unit (size,
    # serial, barcode digits).
    ignore: list[Region] = Field(default_factory=list, max_length=32)
    threshold: float = Field(default=0.75, ge=0.0, le=1.0)
    colour: bool = True


class ValueSpec(_Strict):
    kind: ValueKind
    label: str = ""
    pattern: Regex | None = None
    # Another step of the same checklist whose value this one must equal (box label vs size tag).
    must_match: str | None = None

    _pattern_ok = field_validator("pattern")(lambda v: v if v is None else _check_regex(v))


MAX_CANNED_NOTES = 9  # keys 1-9
# One line, as typed in the note field: no control characters, no ';' (it joins several notes).
CannedNote = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[^\x00-\x1f\x7f;]+$")]


class Step(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
    title: Annotated[str, Field(min_length=1, max_length=120)]
    instructions: Annotated[str, Field(min_length=1)]
    severity: Severity
    photo: PhotoRule = PhotoRule.REQUIRED
    min_photos: int = Field(default=1, ge=0, le=12)
    references: list[str] = Field(default_factory=list)
    compare: CompareSettings | None = None
    value: ValueSpec | None = None
    # Values read off this step's photo, each filling a value step: {style_code: box-label, size: size}.
    reads: dict[ValueKind, str] = Field(default_factory=dict)
    section: str = ""
    # Canned notes: keys 1-9 in the note field at the bench write them (docs/checklists.md).
    notes: list[CannedNote] = Field(default_factory=list, max_length=MAX_CANNED_NOTES)

    @field_validator("notes")
    @classmethod
    def _notes_differ(cls, notes: list[str]) -> list[str]:
        seen = {note.casefold() for note in notes}
        if len(seen) != len(notes):
            raise ValueError("two canned notes are the same; each key 1-9 writes a different note")
        return notes

    @model_validator(mode="after")
    def _photo_rules(self) -> Step:
        if self.photo is PhotoRule.REQUIRED and not self.references:
            raise ValueError("a step that requires a photo needs at least one reference image")
        return self

    @property
    def needs_photo(self) -> bool:
        return self.photo is PhotoRule.REQUIRED

    @property
    def required_photos(self) -> int:
        return max(1, self.min_photos) if self.needs_photo else 0


class RegistryStyle(_Strict):
    code: Annotated[str, Field(min_length=1)]
    colourway: str = ""
    year: int | None = Field(default=None, ge=1900, le=2100)


def gtin_valid(digits: str) -> bool:
    """A UPC-A (12 digits) or EAN-13 (13 digits) whose GS1 check digit is right."""
    if not digits.isdigit() or len(digits) not in (12, 13):
        return False
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(reversed(digits[:-1]), 1))
    return (10 - total % 10) % 10 == int(digits[-1])


def same_gtin(a: str, b: str) -> bool:
    """A UPC-A and the EAN-13 with a leading 0 are one code."""
    return a.strip().zfill(13) == b.strip().zfill(13)


class RegistryUpc(_Strict):
    """A retail barcode the brand printed on the box of one style in one size."""

    code: Annotated[str, Field(min_length=12, max_length=13)]
    style: Annotated[str, Field(min_length=1)]
    size: Annotated[str, Field(min_length=1)]

    @field_validator("code", mode="before")
    @classmethod
    def _code_ok(cls, value: object) -> object:
        text = str(value).strip() if isinstance(value, str | int) else value
        if isinstance(text, str) and not gtin_valid(text):
            raise ValueError(f"{text} is not a UPC-A (12 digits) or EAN-13 (13 digits) "
                             "with a right check digit")
        return text


class Registry(_Strict):
    """What the brand tells us about its genuine goods, as in a brand registry."""

    style_codes: list[RegistryStyle] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    date_code_pattern: Regex | None = None
    serial_pattern: Regex | None = None
    # Optional: the UPC/EAN of each style code and size, to check a box's barcode against both.
    upcs: list[RegistryUpc] = Field(default_factory=list)

    @model_validator(mode="after")
    def _upcs_ok(self) -> Registry:
        seen: set[str] = set()
        for entry in self.upcs:
            key = entry.code.zfill(13)
            if key in seen:
                raise ValueError(f"upcs: {entry.code} is listed twice")
            seen.add(key)
            if self.style(entry.style) is None:
                raise ValueError(f"upcs: {entry.code} names style {entry.style}, "
                                 "which is not in style_codes")
        return self

    def upc(self, code: str) -> RegistryUpc | None:
        return next((u for u in self.upcs if same_gtin(u.code, code)), None)

    _patterns_ok = field_validator("date_code_pattern", "serial_pattern")(
        lambda v: v if v is None else _check_regex(v)
    )

    def style(self, code: str) -> RegistryStyle | None:
        wanted = normalise_code(code)
        for style in self.style_codes:
            if normalise_code(style.code) == wanted:
                return style
        return None


class VerdictRules(_Strict):
    """What failed steps do to the item; data so a brand can be stricter or looser."""

    critical_fail: Literal["fail", "inconclusive"] = "fail"
    major_fail: Literal["fail", "inconclusive"] = "fail"
    # This many failed minor steps fail the item; fewer are recorded but pass.
    minor_fails_to_fail: int = Field(default=3, ge=1)
    unsure: Literal["inconclusive", "fail"] = "inconclusive"
    missing_photo: Literal["inconclusive", "fail"] = "inconclusive"


class Checklist(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
    brand: Annotated[str, Field(min_length=1)]
    model: Annotated[str, Field(min_length=1)]
    category: Literal["sneakers", "bags", "watches", "apparel", "accessories"]
    version: int = Field(ge=1)
    # Regular expressions over a style code or SKU; the first checklist that matches is used.
    patterns: list[Regex] = Field(min_length=1)
    registry: Registry = Field(default_factory=Registry)
    rules: VerdictRules = Field(default_factory=VerdictRules)
    steps: list[Step] = Field(min_length=1)

    _patterns_ok = field_validator("patterns")(lambda v: [_check_regex(p) for p in v])

    @model_validator(mode="after")
    def _unique_steps(self) -> Checklist:
        seen: set[str] = set()
        for step in self.steps:
            if step.id in seen:
                raise ValueError(f"duplicate step id {step.id!r}")
            seen.add(step.id)
        for step in self.steps:
            target = step.value.must_match if step.value else None
            if target is not None and target not in seen:
                raise ValueError(f"step {step.id!r}: must_match names unknown step {target!r}")
        by_id = {step.id: step for step in self.steps}
        for step in self.steps:
            if step.reads and step.photo is PhotoRule.NONE:
                raise ValueError(f"step {step.id!r} reads values from its photo but takes none")
            for kind, target in step.reads.items():
                filled = by_id.get(target)
                if filled is None:
                    raise ValueError(f"step {step.id!r}: reads {kind} into unknown step {target!r}")
                if filled.value is None or filled.value.kind is not kind:
                    raise ValueError(f"step {step.id!r}: reads {kind} into step {target!r}, "
                                     f"which does not ask for a {kind}")
        return self

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def matches(self, code: str) -> bool:
        return any(full_match(p, normalise_code(code)) for p in self.patterns)

    @property
    def title(self) -> str:
        return f"{self.brand} {self.model}"


def normalise_code(code: str) -> str:
    """Style codes are typed and scanned with stray spaces and case; compare them canonically."""
    return re.sub(r"\s+", "", code).upper()
