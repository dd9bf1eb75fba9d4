"""When the station signs checkpoints: after every commit that issued a certificate, and on a timer."""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import event

from inspector.errors import InspectorError
from inspector.services.checkpoints import write_checkpoint
from inspector.services.context import ServiceContext
from inspector.storage.audit import log_size

log = logging.getLogger(__name__)
CERTIFICATE_ISSUED = "certificate.issued"


def checkpoint_after_certificates(ctx: ServiceContext) -> None:
    """A certificate is the promise most likely to be disputed: sign the log that holds it at once."""

    def after_commit(session: Any) -> None:
        actions = session.info.pop("audit_actions", None)
        if actions and CERTIFICATE_ISSUED in actions:
            _write_quietly(ctx)

    def after_rollback(session: Any) -> None:
        session.info.pop("audit_actions", None)

    event.listen(ctx.db.sessions, "after_commit", after_commit)
    event.listen(ctx.db.sessions, "after_rollback", after_rollback)


def _write_quietly(ctx: ServiceContext) -> None:
    # The certificate is recorded either way; a checkpoint refused (the log was altered) or a folder
    # out of reach must not undo it. `inspector audit verify` then names what is wrong.
    try:
        write_checkpoint(ctx)
    except InspectorError as exc:
        log.warning("no audit checkpoint written: %s", exc)


class CheckpointTimer:
    """Every `checkpoint_minutes`, a checkpoint if the log grew since the last one (a daemon thread)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-checkpoints", daemon=True)
        self._last_size = -1

    def start(self) -> CheckpointTimer:
        if self.ctx.settings.checkpoint_minutes > 0:
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.ctx.settings.checkpoint_minutes * 60):
            self.tick()

    def tick(self) -> bool:
        """Write one if the log grew; True when written."""
        try:
            with self.ctx.db.read() as session:
                size = log_size(session)
        except InspectorError:
            return False
        if size == self._last_size:
            return False
        self._last_size = size
        _write_quietly(self.ctx)
        return True
