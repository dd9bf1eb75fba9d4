"""Photo quality, registration, comparison and duplicate detection on numpy arrays."""

from __future__ import annotations

from inspector.vision.compare import Comparison, FlaggedRegion, compare, compare_files
from inspector.vision.fingerprint import UnitMatch, same_unit
from inspector.vision.hashing import DuplicateIndex, hamming_distance, perceptual_hash
from inspector.vision.imageio import decode_image, load_image
from inspector.vision.quality import QualityReport, assess_quality, prepare_reference

__all__ = [
    "Comparison",
    "DuplicateIndex",
    "FlaggedRegion",
    "QualityReport",
    "UnitMatch",
    "assess_quality",
    "compare",
    "compare_files",
    "decode_image",
    "hamming_distance",
    "load_image",
    "perceptual_hash",
    "prepare_reference",
    "same_unit",
]
