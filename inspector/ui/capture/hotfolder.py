"""A watched hot folder: emits photo_arrived once a new image file's size has stopped changing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from inspector.ui.capture.sources import IMAGE_SUFFIXES

# Polling is the fallback because SMB/NFS mounts never notify; it is cheap (one listdir).
POLL_MS = 500
STABLE_CHECKS = 2  # the size must be the same this many checks in a row


class HotFolder(QObject):
    """Watches a folder tethering software writes to; files present at start are ignored."""

    photo_arrived = Signal(str, bytes)  # path, file bytes

    def __init__(self, folder: str | Path, *, poll_ms: int = POLL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._seen: set[str] = {p.name for p in self.folder.iterdir()}
        self._pending: dict[str, tuple[int, int]] = {}  # name -> (size, times seen unchanged)
        self._watcher = QFileSystemWatcher([str(self.folder)], self)
        self._watcher.directoryChanged.connect(self._on_directory_changed)
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._on_poll)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._watcher.removePaths(self._watcher.directories())

    def _on_directory_changed(self, _path: str) -> None:
        self._on_poll()

    def _on_poll(self) -> None:
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return  # the mount went away for a moment; try again next poll
        for path in entries:
            name = path.name
            if name in self._seen or path.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            try:
                size = path.stat().st_size
            except OSError:
                continue
            old_size, stable = self._pending.get(name, (-1, 0))
            stable = stable + 1 if size == old_size and size > 0 else 0
            self._pending[name] = (size, stable)
            if stable >= STABLE_CHECKS:
                self._deliver(path)

    def _deliver(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError:
            return
        self._seen.add(path.name)
        self._pending.pop(path.name, None)
        self.photo_arrived.emit(str(path), data)
