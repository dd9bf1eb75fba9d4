"""The deployment's status list from the records: every void, signed by this station's certified key."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from inspector.security.statuslist import REASON_CATEGORIES, Void, make_status_file
from inspector.services.context import ServiceContext
from inspector.services.deployment import DeploymentKeys
from inspector.storage.models import Certificate


def export_status(ctx: ServiceContext) -> tuple[bytes, int]:
    """The signed status file (W3C bitstring + voids with their buyer-facing category + the key list)
    and how many voids it holds."""
    trust = DeploymentKeys(ctx)
    with ctx.db.transaction() as session:
        key, deployment = trust.signing_key(session)
        rows = session.scalars(select(Certificate).where(Certificate.voided_at.is_not(None))).all()
        voids = [
            Void(row.id, _day(row.voided_at), row.void_category or REASON_CATEGORIES["withdrawn"])
            for row in rows
        ]
        highest = session.scalar(select(func.max(Certificate.id))) or 0
    return make_status_file(deployment, voids, highest, datetime.now(UTC), key), len(voids)


def _day(moment: datetime | None) -> str:
    if moment is None:
        return ""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).date().isoformat()
