"""A demo camera with no hardware: a video of a reference filmed with small, changing poses."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from inspector.vision.synthetic import Nuisance, make_probe

FRAME_SIZE = (1280, 720)


def write_demo_video(reference: np.ndarray, path: str | Path, *, frames: int = 30,
                     fps: float = 10.0, seed: int = 0) -> Path:
    """An MJPG .avi of the reference under a gently drifting camera pose (for OpenCvSource)."""
    rng = np.random.default_rng(seed)
    width, height = FRAME_SIZE
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (width, height))
    if not writer.isOpened():
        raise OSError(f"OpenCV cannot write the demo video {path}.")
    try:
        for index in range(frames):
            phase = 2 * np.pi * index / max(1, frames)
            nuisance = Nuisance(tilt_deg=3 + 2 * np.sin(phase), rotation_deg=2 * np.cos(phase),
                                scale=1.0, brightness=5 * np.sin(phase), margin=0.25)
            photo = make_probe(reference, nuisance, rng).photo
            scale = min(width / photo.shape[1], height / photo.shape[0])
            resized = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA
                                 if scale < 1 else cv2.INTER_LINEAR)
            frame = np.full((height, width, 3), 60, np.uint8)
            top = (height - resized.shape[0]) // 2
            left = (width - resized.shape[1]) // 2
            frame[top:top + resized.shape[0], left:left + resized.shape[1]] = resized
            writer.write(frame)
    finally:
        writer.release()
    return Path(path)
