"""What a computer trusts, kept as files in its keys folder: imported trust files and status lists.

A verifier's computer has only these (no database, no private key): keys/trusted/<PREFIX>.json is
a deployment's trust file as imported and updated, keys/status/<PREFIX>.json its newest status file.
"""

from __future__ import annotations

import json
from pathlib import Path

from inspector.errors import BadInput, StorageUnavailable
from inspector.security.keys import TRUSTED_DIR, replace_file
from inspector.security.statuslist import StatusList, parse_status_file
from inspector.security.trustlist import Deployment, merge_keys, parse_trust_file

STATUS_DIR = "status"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StorageUnavailable(f"{path} cannot be read ({exc.strerror}).") from exc


def _write(path: Path, data: bytes) -> None:
    try:
        replace_file(path, data, 0o644)
    except OSError as exc:
        raise StorageUnavailable(f"{path.parent} cannot be written ({exc.strerror}).") from exc


def trusted_deployments(keys_dir: Path) -> dict[str, Deployment]:
    """Prefix -> deployment, from every imported trust file (each checked against its root key)."""
    found: dict[str, Deployment] = {}
    folder = keys_dir / TRUSTED_DIR
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            deployment = parse_trust_file(_read(path), f"The trusted deployment file {path.name}")
            found[deployment.prefix] = deployment
    return found


def status_lists(keys_dir: Path, deployments: dict[str, Deployment]) -> dict[str, StatusList]:
    found: dict[str, StatusList] = {}
    folder = keys_dir / STATUS_DIR
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            status = parse_status_file(_read(path), deployments, f"The status file {path.name}")
            for signed in status.key_statements:
                deployments[status.deployment].add_key(signed)
            found[status.deployment] = status
    return found


def import_trust_file(keys_dir: Path, data: bytes, source: str, own_prefix: str | None = None) -> Deployment:
    """Trust a deployment: check every signature, refuse a second deployment claiming a known prefix."""
    deployment = parse_trust_file(data, source)
    if own_prefix is not None and deployment.prefix == own_prefix:
        raise BadInput(f"{source} is for this station's own deployment {own_prefix}; it needs no import.")
    known = trusted_deployments(keys_dir).get(deployment.prefix)
    if known is not None:
        if known.root_key != deployment.root_key:
            raise BadInput(
                f"{source} claims prefix {deployment.prefix}, which another trusted deployment "
                f"({known.name}) already uses; serials would collide, so it was not imported."
            )
        merge_keys(known, (signed for _, signed in deployment.keys.values()))
        for _legacy, signed in deployment.legacy_keys.values():
            known.add_legacy_key(signed)
        deployment = known
    _write(keys_dir / TRUSTED_DIR / f"{deployment.prefix}.json", _dump(deployment))
    return deployment


def import_status_file(keys_dir: Path, data: bytes, source: str) -> StatusList:
    """Keep a status file if it is genuine and newer than the one here; learn the keys it carries."""
    deployments = trusted_deployments(keys_dir)
    status = parse_status_file(data, deployments, source)
    current = status_lists(keys_dir, trusted_deployments(keys_dir)).get(status.deployment)
    if current is not None and current.issued_at > status.issued_at:
        raise BadInput(
            f"{source} is older ({status.issued_at:%Y-%m-%d %H:%M}) than the status list here "
            f"({current.issued_at:%Y-%m-%d %H:%M} UTC); it was not imported."
        )
    deployment = deployments[status.deployment]
    if merge_keys(deployment, status.key_statements):
        _write(keys_dir / TRUSTED_DIR / f"{deployment.prefix}.json", _dump(deployment))
    _write(keys_dir / STATUS_DIR / f"{status.deployment}.json", data)
    return status


def _dump(deployment: Deployment) -> bytes:
    return json.dumps(deployment.to_trust_file(), indent=1).encode("utf-8")
