"""Fault tests reuse the service fixtures: a small real checklist, a station, users, a photo."""

from __future__ import annotations

from tests.services.conftest import (  # noqa: F401
    people,
    photo_bytes,
    services,
    test_settings,
)
