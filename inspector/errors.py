"""Errors a user can cause or fix; each carries one clear sentence for the window or stderr."""

from __future__ import annotations


class InspectorError(Exception):
    """Base of every error meant for a person: str(error) is the one-line message."""

    exit_code = 2


class BadInput(InspectorError):
    """An image, file or value that cannot be used as given."""


class NotFound(InspectorError):
    """An item, inspection, user or file that does not exist."""


class PermissionDenied(InspectorError):
    """The logged-in user's role does not allow this action."""


class InvalidState(InspectorError):
    """The action does not fit the record's state (finishing a finished inspection, ...)."""


class StorageUnavailable(InspectorError):
    """The database or the photo store cannot be reached or written; nothing was recorded."""


class ChecklistInvalid(InspectorError):
    """A checklist file has mistakes; the message lists them."""
