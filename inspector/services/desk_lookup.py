"""What a supervisor types into a filter: a person by badge or the start of the name, a brand in any case."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.errors import BadInput
from inspector.services.context import ServiceContext
from inspector.storage.models import DeskDailyTotal, User


def find_user(session: Session, text: str) -> User:
    """The one user whose badge is `text`, whose name is `text`, or whose name starts with it (any case).

    Several names starting with it is refused with their names, so a filter never silently mixes people.
    """
    wanted = text.strip().lower()
    if not wanted:
        raise BadInput("Type a name or a badge.")
    users = list(session.scalars(select(User).order_by(User.name)))  # a few hundred at most
    for exact in ([u for u in users if (u.badge_code or "").lower() == wanted],
                  [u for u in users if u.name.lower() == wanted]):
        if exact:
            return exact[0]
    starting = [u for u in users if u.name.lower().startswith(wanted)]
    if len(starting) == 1:
        return starting[0]
    if not starting:
        raise BadInput(f"There is no user with the badge or name {text.strip()!r}.")
    names = ", ".join(u.name for u in starting[:6])
    raise BadInput(f"{text.strip()!r} could be {names}: type more of the name, or the badge.")


def user_id(ctx: ServiceContext, text: str) -> int:
    with ctx.db.read() as session:
        return int(find_user(session, text).id)


def brand_spellings(ctx: ServiceContext, text: str) -> list[str]:
    """Every stored spelling of the brand typed in any case (`nike` finds `Nike`).

    The spellings come from the checklists and the desk's daily totals (both small), so the queue
    still seeks the (brand, finished_at) index instead of lower-casing a million rows.
    """
    wanted = text.strip()
    known = {loaded.checklist.brand for loaded in ctx.library.all()}
    with ctx.db.read() as session:
        known |= set(session.scalars(select(DeskDailyTotal.group_key).distinct()
                                     .where(DeskDailyTotal.group_kind == "brand")))
    return sorted({wanted} | {b for b in known if b.lower() == wanted.lower()})
