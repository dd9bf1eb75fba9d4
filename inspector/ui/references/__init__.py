"""References at the bench (supervisors and admins): capture genuine reference photos for a step."""

from __future__ import annotations

from typing import Any

REFERENCE_ROLES = frozenset({"supervisor", "admin"})


def register(window: Any) -> None:
    """Called by inspector.app for the station window: adds the References page."""
    from inspector.ui.references.page import ReferencesPage

    # The inspection's camera is stopped first: one camera device cannot be opened twice.
    window.references = ReferencesPage(window.services, before_camera=window.inspection.shut_down)
    window.add_page("References", window.references, roles=REFERENCE_ROLES)
