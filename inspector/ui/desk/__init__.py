"""The supervisor desk (supervisors and admins): review queue, reviews, analytics, calibration, integrity."""

from __future__ import annotations

from typing import Any

DESK_ROLES = frozenset({"supervisor", "admin"})


def register(window: Any) -> None:
    """Called by inspector.app for the station window: adds the Desk page for supervisors and admins."""
    from inspector.ui.desk.page import DeskPage

    window.desk = DeskPage(window.services)
    window.add_page("Desk", window.desk, roles=DESK_ROLES)
