"""Shared filter inputs: a period as two optional dates, and parsing them for the services."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QLineEdit

from inspector.errors import BadInput


def date_edit(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaximumWidth(120)
    return edit


def parse_date(text: str, what: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise BadInput(f"{what} must be a date like 2025-06-01.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
