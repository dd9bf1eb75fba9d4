"""Value steps checked against the brand's data and against the item's other values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from inspector.domain.checklist import Checklist, Step, ValueKind, gtin_valid, normalise_code
from inspector.domain.patterns import full_match


@dataclass(frozen=True)
class ValueCheck:
    facts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def check_value(checklist: Checklist, step: Step, value: str,
                other_values: Mapping[str, str]) -> ValueCheck:
    spec = step.value
    if spec is None:
        return ValueCheck()
    facts: list[str] = []
    problems: list[str] = []
    registry = checklist.registry
    text = value.strip()
    if spec.kind is ValueKind.STYLE_CODE:
        style = registry.style(text)
        if style is not None:
            facts.append(" — ".join(p for p in (style.code, style.colourway,
                                                str(style.year) if style.year else "") if p))
        elif not checklist.matches(text):
            problems.append(f"style code {text} is not a {checklist.title} style")
        elif registry.style_codes:
            problems.append(f"style code {text} is not in {checklist.brand}'s list of released styles")
    elif spec.kind is ValueKind.COUNTRY and registry.countries:
        known = {c.casefold(): c for c in registry.countries}
        if text.casefold() in known:
            facts.append(f"{checklist.brand} makes this line in {known[text.casefold()]}")
        else:
            problems.append(f"country {text}: {checklist.brand} does not make this line there")
    elif spec.kind is ValueKind.UPC:
        _check_upc(checklist, text, other_values, facts, problems)
    else:
        pattern = {ValueKind.DATE_CODE: registry.date_code_pattern,
                   ValueKind.SERIAL: registry.serial_pattern}.get(spec.kind)
        if pattern and not full_match(pattern, text):
            problems.append(f"{spec.kind.value.replace('_', ' ')} {text} does not match the brand's pattern")
    if spec.pattern and not full_match(spec.pattern, text):
        problems.append(f"{spec.label or spec.kind} {text} does not have the expected form")
    if spec.must_match:
        other = other_values.get(spec.must_match)
        if other and normalise_code(other) != normalise_code(text):
            problems.append(f"differs from {checklist.step(spec.must_match).title.lower()} ({other})")
    # And the other way round: a box label read after the size tag must equal it just the same.
    for later in checklist.steps:
        if later.value is not None and later.value.must_match == step.id:
            other = other_values.get(later.id)
            if other and normalise_code(other) != normalise_code(text):
                problems.append(f"differs from {later.title.lower()} ({other})")
    return ValueCheck(facts, problems)


def _check_upc(checklist: Checklist, text: str, other_values: Mapping[str, str],
               facts: list[str], problems: list[str]) -> None:
    """A box's UPC against the registry and against the style code and size recorded beside it."""
    if not gtin_valid(text):
        problems.append(f"UPC {text} is not a UPC-A or EAN-13 (wrong length or check digit)")
        return
    registry = checklist.registry
    if not registry.upcs:
        return
    entry = registry.upc(text)
    if entry is None:
        problems.append(f"UPC {text} is not one of {checklist.brand}'s codes for {checklist.model}")
        return
    facts.append(f"UPC {text} is {entry.style} in size {entry.size}")
    for step in checklist.steps:
        if step.value is None or step.id not in other_values:
            continue
        other = other_values[step.id]
        if step.value.kind is ValueKind.STYLE_CODE and normalise_code(other) != normalise_code(entry.style):
            problems.append(f"UPC {text} is style {entry.style}, not {other} ({step.title.lower()})")
        elif step.value.kind is ValueKind.SIZE and normalise_code(other) != normalise_code(entry.size):
            problems.append(f"UPC {text} is size {entry.size}, not {other} ({step.title.lower()})")
