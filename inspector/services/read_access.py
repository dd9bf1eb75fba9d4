"""Who may see which inspection: reads check the login session as writes do (docs/identity.md).

A supervisor or admin (anyone whose *current* role may review) sees every inspection; an
authenticator sees the inspections they took part in: the ones they hold or held, and any in which
they recorded a step or a photo. Everyone else is refused with one sentence.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.errors import NotFound, PermissionDenied
from inspector.security.roles import Actor, Permission
from inspector.services.ownership import took_part
from inspector.storage.models import Comparison, Inspection, Photo


def sees_every_inspection(actor: Actor) -> bool:
    """`actor` must be the verified one `ctx.authorize` returned: its role is the database's."""
    return actor.can(Permission.REVIEW)


def check_may_see(session: Session, inspection: Inspection, actor: Actor) -> None:
    if sees_every_inspection(actor) or took_part(session, inspection, actor.user_id):
        return
    raise PermissionDenied(
        f"Inspection {inspection.id} is another authenticator's; only they and supervisors may see it."
    )


def check_may_see_photo(session: Session, sha256: str, actor: Actor) -> None:
    """A stored photo (or a comparison's heatmap) is seen through an inspection it belongs to; a file
    that no photo row or comparison names is refused. Both lookups are indexed."""
    owners = list(session.scalars(select(Photo.inspection_id).where(Photo.sha256 == sha256).distinct()))
    if not owners:
        owners = list(session.scalars(
            select(Photo.inspection_id).join(Comparison, Comparison.photo_id == Photo.id)
            .where(Comparison.heatmap_sha256 == sha256).distinct()))
    if not owners:
        raise NotFound("There is no such photo in the records.")
    if sees_every_inspection(actor):
        return
    for inspection_id in owners:
        inspection = session.get(Inspection, inspection_id)
        if inspection is not None and took_part(session, inspection, actor.user_id):
            return
    raise PermissionDenied("That photo belongs to another authenticator's inspection.")
