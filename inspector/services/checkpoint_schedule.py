"""When the station signs checkpoints: right after every commit that issued a certificate (off the
caller's thread), and on a timer."""

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


def checkpoint_after_certificates(ctx: ServiceContext) -> CheckpointWriter:
    """A certificate is the promise most likely to be disputed: sign the log that holds it as soon as
    its transaction commits, on the writer's thread so the user who finished does not wait for it."""
    writer = CheckpointWriter(ctx)

    def after_commit(session: Any) -> None:
        actions = session.info.pop("audit_actions", None)
        if actions and CERTIFICATE_ISSUED in actions:
            writer.request()

    def after_rollback(session: Any) -> None:
        session.info.pop("audit_actions", None)

    event.listen(ctx.db.sessions, "after_commit", after_commit)
    event.listen(ctx.db.sessions, "after_rollback", after_rollback)
    return writer


class CheckpointWriter:
    """Writes checkpoints on a thread of its own, started when asked and ended when nothing is left.

    The guarantee (docs/audit-log.md): every certificate is covered by a checkpoint written after its
    transaction committed. A request made while a checkpoint is being written (which may have read
    the log before that commit) makes the thread write one more, so several certificates committed
    together share one checkpoint and none is left out. The thread is not a daemon: a command that
    issued a certificate exits only once its checkpoint is written, and `wait` lets the station's
    `close` do the same.
    """

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._pending = False
        self._thread: threading.Thread | None = None

    def request(self) -> None:
        with self._lock:
            self._pending = True
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="audit-checkpoint")
                self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        """Until the checkpoints asked for so far are written."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._thread = None  # under the lock: a request from now on starts a new thread
                    return
                self._pending = False
            try:
                _write_quietly(self.ctx)
            except Exception:  # a bug must not stop later checkpoints; the log stays checkable
                log.exception("audit checkpoint failed")


# One checkpoint at a time per process: the writer's thread and the timer both update latest.txt.
_writing = threading.Lock()


def _write_quietly(ctx: ServiceContext) -> None:
    # The certificate is recorded either way; a checkpoint refused (the log was altered) or a folder
    # out of reach must not undo it. `inspector audit verify` then names what is wrong.
    with _writing:
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
