"""Verification from whatever a person has: a verify URL, the bare payload, a PDF or a photo.

A computer that only verifies (no station key, no database in its data folder) uses the trust and
status files it imported and nothing else: it never creates a key, a database or a folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from inspector.config import Settings
from inspector.errors import BadInput
from inspector.printing.scan import codes_in_file
from inspector.security import payload, truststore
from inspector.security.keys import PRIVATE_KEY_FILE
from inspector.security.statuslist import StatusList
from inspector.security.trustlist import Deployment
from inspector.security.verification import Verification, verify_code


def _looks_like_code(text: str) -> bool:
    return payload.payload_from_text(text).upper().startswith(payload.PREFIX)


def code_from_input(code_or_file: str) -> str | Verification:
    """The payload text, or an INVALID verification for text that is not a certificate code. A file
    that cannot be read, or holds no code, raises BadInput: "could not read" is not "forged"."""
    text = code_or_file.strip()
    if _looks_like_code(text):
        return payload.payload_from_text(text)
    path = Path(code_or_file)
    if not path.is_file():
        return verify_code(text, {})  # says in one sentence why this is not a certificate code
    found = [c for c in codes_in_file(path) if _looks_like_code(c)]
    if not found:
        raise BadInput(f"No certificate QR code could be read in {path.name}.")
    return payload.payload_from_text(found[0])


def verify_with(
    code: str, deployments: Mapping[str, Deployment], statuses: Mapping[str, StatusList]
) -> Verification:
    return verify_code(code, deployments, statuses)


def is_station(settings: Settings) -> bool:
    """A station has its signing key or a database here; a verifier's data folder has neither."""
    if (settings.keys_dir / PRIVATE_KEY_FILE).exists():
        return True
    url = settings.database_url
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).exists()
    return True


def verify_offline(settings: Settings, code_or_file: str) -> Verification:
    """Only the imported trust and status files count; nothing is created."""
    code = code_from_input(code_or_file)
    if isinstance(code, Verification):
        return code
    deployments = truststore.trusted_deployments(settings.keys_dir)
    statuses = truststore.status_lists(settings.keys_dir, deployments)
    return verify_code(code, deployments, statuses)
