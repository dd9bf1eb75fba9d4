"""The station hashes PINs with argon2id at no less than OWASP's minimum cost (tests elsewhere in this
process hash cheaply: tests/conftest.py)."""

from __future__ import annotations

import pytest
from argon2 import Type, extract_parameters

from inspector.security.pins import hash_pin, pin_matches


@pytest.mark.real_pin_cost
def test_pins_are_hashed_with_argon2id_at_the_stations_cost() -> None:
    stored = hash_pin("246810")
    cost = extract_parameters(stored)
    # OWASP's password storage cheat sheet: argon2id, at least 19 MiB and 2 iterations.
    assert cost.type is Type.ID
    assert cost.memory_cost >= 19 * 1024 and cost.time_cost >= 2
    assert pin_matches(stored, "246810") and not pin_matches(stored, "246811")
