"""Capture: camera sources in their own thread, live preview with a framing ghost, hot folder."""

from __future__ import annotations

from inspector.ui.capture.camera import CameraThread
from inspector.ui.capture.hotfolder import HotFolder
from inspector.ui.capture.sources import (
    FrameSource,
    ImageFolderSource,
    OpenCvSource,
    SourceFailed,
    open_source,
)
from inspector.ui.capture.widget import CaptureWidget

__all__ = ["CameraThread", "CaptureWidget", "FrameSource", "HotFolder", "ImageFolderSource",
           "OpenCvSource", "SourceFailed", "open_source"]
