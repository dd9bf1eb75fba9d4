"""The bench's pace: items an authenticator finished in the last hour and today, counted in the records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from inspector.security.roles import Actor, Permission
from inspector.services.context import ServiceContext
from inspector.storage.models import Inspection, utcnow

# Before a quarter of an hour of work, an hourly rate says more about the clock than the bench.
MIN_SPAN = timedelta(minutes=15)


@dataclass(frozen=True)
class BenchPace:
    last_hour: int  # items finished in the 60 minutes before `at`
    today: int  # items finished since local midnight
    per_hour: float | None  # today's items over the time since today's first inspection started
    at: datetime


class PaceService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def pace(self, actor: Actor, now: datetime | None = None) -> BenchPace:
        """The actor's own pace (the records decide, not a count kept by the window)."""
        now = (now or utcnow()).astimezone(UTC)
        midnight = now.astimezone().replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
        with self.ctx.db.read() as session:
            actor = self.ctx.authorize(session, actor, Permission.INSPECT)
            mine = (Inspection.authenticator_id == actor.user_id, Inspection.status == "finished")

            def finished_since(moment: datetime) -> int:
                query = select(func.count()).select_from(Inspection).where(
                    *mine, Inspection.finished_at >= moment, Inspection.finished_at <= now)
                return int(session.scalar(query) or 0)

            last_hour = finished_since(now - timedelta(hours=1))
            today = finished_since(midnight)
            first = session.scalar(select(func.min(Inspection.started_at)).where(
                Inspection.authenticator_id == actor.user_id, Inspection.started_at >= midnight))
        per_hour = None
        if first is not None and today:
            span = now - (first if first.tzinfo else first.replace(tzinfo=UTC))  # SQLite: naive UTC
            per_hour = today / (span.total_seconds() / 3600) if span >= MIN_SPAN else None
        return BenchPace(last_hour=last_hour, today=today, per_hour=per_hour, at=now)
