"""An item's GTIN (GS1 Global Trade Item Number) from the brand's registry, for GS1 Digital Link.

The registry lists the UPC-A (a GTIN-12) or EAN-13 of each style in each size. An item's GTIN is
known when its recorded style code and size are listed there, or when the UPC read off its box is
listed for that style and size. GS1 Digital Link writes a GTIN as 14 digits: the shorter forms are
padded with leading zeros, which keeps the check digit (GS1 General Specifications 3.3.2).
"""

from __future__ import annotations

from collections.abc import Mapping

from inspector.domain.checklist import Checklist, RegistryUpc, ValueKind, normalise_code


def check_digit(digits: str) -> int:
    """The GS1 check digit of the digits before it: weights 3, 1, 3, ... from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def gtin14(code: str) -> str:
    """A GTIN-8, -12 (UPC-A), -13 (EAN-13) or -14 as the 14 digits GS1 Digital Link uses.

    ValueError for anything else or a wrong check digit: a wrong GTIN on a tag points a GS1 resolver
    at another product.
    """
    digits = code.strip()
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        raise ValueError(f"{code!r} is not a GTIN (8, 12, 13 or 14 digits)")
    if check_digit(digits[:-1]) != int(digits[-1]):
        raise ValueError(f"{code!r} has a wrong GS1 check digit")
    return digits.zfill(14)


def item_gtin(checklist: Checklist, style_code: str | None, values: Mapping[str, str]) -> str | None:
    """The item's GTIN-14 when the registry knows it, else None.

    `values` are the inspection's recorded values by step id. The style code is the item's own
    (from its intake) or a style code step's value; the size and the box's UPC come from the steps
    that ask for them.
    """
    registry = checklist.registry
    if not registry.upcs:
        return None
    recorded: dict[ValueKind, str] = {}
    for step in checklist.steps:
        if step.value is not None and values.get(step.id):
            recorded.setdefault(step.value.kind, values[step.id])
    style = style_code or recorded.get(ValueKind.STYLE_CODE)
    size = recorded.get(ValueKind.SIZE)

    def fits(entry: RegistryUpc) -> bool:
        return all(
            wanted is None or normalise_code(wanted) == normalise_code(listed)
            for wanted, listed in ((style, entry.style), (size, entry.size))
        )

    boxed = recorded.get(ValueKind.UPC)
    if boxed:
        entry = registry.upc(boxed)
        if entry is not None and fits(entry):
            return gtin14(entry.code)
    if style and size:
        for entry in registry.upcs:
            if fits(entry):
                return gtin14(entry.code)
    return None
