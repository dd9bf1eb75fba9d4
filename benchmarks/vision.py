"""Vision benchmark: accuracy and speed of inspector.vision.compare beside a textbook baseline.

Builds a labelled set from real photographs shipped with scikit-image, makes genuine probes
(perspective tilt up to 15°, scale 0.5-2x, rotation, brightness/contrast/gamma, noise, blur,
JPEG 60-90) and altered probes (the same plus one local change over 1-5% of the image), and
prints ROC AUC, localisation, registration success and median time at 3 MP and 12 MP from
JPEG files (decoding included), each beside ORB + RANSAC + scikit-image SSIM in this process.

    uv run python benchmarks/vision.py            # full run, a few minutes on 2 cores
    uv run python benchmarks/vision.py --quick    # small run, well under a minute
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from skimage import data as skdata
from skimage.metrics import structural_similarity

from inspector.vision.compare import compare, compare_files
from inspector.vision.quality import assess_quality, prepare_reference
from inspector.vision.registration import corners, project
from inspector.vision.synthetic import ALTERATIONS, Nuisance, box_iou, make_probe

ACCURACY_SIDE = 1024  # registration error is measured at this reference size
# Real photographs only (no drawings): people, animals, objects, microscopy, a scanned page.
PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "immunohistochemistry", "retina",
          "camera", "hubble_deep_field")
Box = tuple[int, int, int, int]


@dataclass
class Outcome:
    score: float
    aligned: bool
    worst: Box | None
    homography: np.ndarray | None  # photo -> reference
    seconds: float


def load_photo(name: str, long_side: int) -> np.ndarray:
    """A scikit-image sample photo as BGR at `long_side` (bicubic, upscaled where smaller)."""
    image = getattr(skdata, name)()
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    image = cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2BGR)
    height, width = image.shape[:2]
    scale = long_side / max(height, width)
    size = (round(width * scale), round(height * scale))
    return cv2.resize(image, size, interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)


def camera_frame(name: str, width: int, height: int) -> np.ndarray:
    """A sample photo upscaled (bicubic) to cover width x height, centre-cropped to it."""
    image = getattr(skdata, name)()
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    image = cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2BGR)
    scale = max(width / image.shape[1], height / image.shape[0])
    size = (max(width, int(np.ceil(image.shape[1] * scale))),
            max(height, int(np.ceil(image.shape[0] * scale))))
    image = cv2.resize(image, size, interpolation=cv2.INTER_CUBIC)
    top, left = (size[1] - height) // 2, (size[0] - width) // 2
    return np.ascontiguousarray(image[top:top + height, left:left + width])


# ---------------------------------------------------------------- textbook baseline
_baseline_orb = cv2.ORB_create(nfeatures=5000)


def baseline_compare(reference: np.ndarray, photo: np.ndarray) -> Outcome:
    """ORB at full size + brute-force matching + RANSAC + scikit-image SSIM at full size."""
    started = time.perf_counter()
    ref_gray = cv2.cvtColor(reference, cv2.COLOR_BGR2GRAY)
    photo_gray = cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY)
    kp_ref, des_ref = _baseline_orb.detectAndCompute(ref_gray, None)
    kp_photo, des_photo = _baseline_orb.detectAndCompute(photo_gray, None)
    homography = None
    if des_ref is not None and des_photo is not None:
        matches = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(des_photo, des_ref)
        if len(matches) >= 4:
            src = np.float32([kp_photo[m.queryIdx].pt for m in matches])
            dst = np.float32([kp_ref[m.trainIdx].pt for m in matches])
            homography, _ = cv2.findHomography(src, dst, cv2.RANSAC, 5.0)
    if homography is None:
        return Outcome(0.0, False, None, None, time.perf_counter() - started)
    height, width = ref_gray.shape
    warped = cv2.warpPerspective(photo_gray, homography, (width, height))
    score, ssim_image = structural_similarity(ref_gray, warped, full=True, data_range=255)
    # Worst region: the largest connected blob of low similarity.
    low = (cv2.GaussianBlur(ssim_image.astype(np.float32), (0, 0), 5) < 0.4).astype(np.uint8)
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(low)
    worst = None
    if count > 1:
        biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        x, y, w, h, _area = stats[biggest]
        worst = (int(x), int(y), int(w), int(h))
    return Outcome(float(score), True, worst, homography, time.perf_counter() - started)


def baseline_compare_files(reference_path: Path, photo_path: Path) -> Outcome:
    started = time.perf_counter()
    reference = cv2.imread(str(reference_path))
    photo = cv2.imread(str(photo_path))
    outcome = baseline_compare(reference, photo)
    outcome.seconds = time.perf_counter() - started
    return outcome


def ours(reference: np.ndarray, photo: np.ndarray) -> Outcome:
    started = time.perf_counter()
    result = compare(reference, photo)
    worst = result.regions[0] if result.regions else None
    return Outcome(result.score, result.aligned,
                   (worst.x, worst.y, worst.w, worst.h) if worst else None,
                   np.array(result.homography) if result.aligned and result.homography else None,
                   time.perf_counter() - started)


# ---------------------------------------------------------------- metrics
def roc_auc(genuine: list[float], altered: list[float]) -> float:
    """P(a genuine probe scores higher than an altered one), ties count half."""
    g = np.asarray(genuine)[:, None]
    a = np.asarray(altered)[None, :]
    return float(((g > a).sum() + 0.5 * (g == a).sum()) / (g.size * a.size))


def corner_error(estimated: np.ndarray | None, truth_ref_to_photo: np.ndarray,
                 size: tuple[int, int]) -> float:
    if estimated is None:
        return float("inf")
    ref_corners = corners(size)
    round_trip = project(estimated, project(truth_ref_to_photo, ref_corners))
    return float(np.linalg.norm(round_trip - ref_corners, axis=1).max())


@dataclass
class Tally:
    genuine: list[float]
    altered: list[float]
    located: int = 0
    registered: int = 0
    probes: int = 0
    corner_errors: list[float] = field(default_factory=list)  # aligned probes only

    def line(self, name: str, n_altered: int) -> str:
        errors = self.corner_errors or [float("nan")]
        return (f"{name:<28} AUC {roc_auc(self.genuine, self.altered):.3f}   "
                f"localisation {self.located / n_altered:6.1%}   "
                f"registration {self.registered / self.probes:6.1%}   "
                f"corner error median {statistics.median(errors):4.2f} px, "
                f"worst {max(errors):5.1f} px")


def accuracy(per_photo: int, photos: tuple[str, ...], seed: int) -> tuple[Tally, Tally]:
    rng = np.random.default_rng(seed)
    mine, base = Tally([], []), Tally([], [])
    n_altered = 0
    failures: list[str] = []
    for name in photos:
        reference = load_photo(name, ACCURACY_SIDE)
        size = (reference.shape[1], reference.shape[0])
        for index in range(2 * per_photo):
            altered = index % 2 == 1
            kind = ALTERATIONS[(index // 2) % len(ALTERATIONS)] if altered else None
            probe = make_probe(reference, Nuisance.random(rng), rng, alteration=kind,
                               change_share=float(rng.uniform(0.01, 0.05)))
            n_altered += altered
            for tally, method in ((mine, ours), (base, baseline_compare)):
                outcome = method(reference, probe.photo)
                tally.probes += 1
                (tally.altered if altered else tally.genuine).append(outcome.score)
                error = corner_error(outcome.homography, probe.homography, size)
                tally.registered += error < 5.0
                if np.isfinite(error):
                    tally.corner_errors.append(error)
                if altered and outcome.worst and probe.change_box:
                    tally.located += box_iou(outcome.worst, probe.change_box) > 0.3
                if tally is mine and (error >= 5.0 or (altered and outcome.score > 0.7)
                                      or (not altered and outcome.score < 0.5)):
                    failures.append(f"  {name} {kind or 'genuine'} score={outcome.score:.2f} "
                                    f"corner error={error:.1f}px {probe.nuisance}")
        print(f"  {name}: done", file=sys.stderr)
    print(mine.line("ours", n_altered))
    print(base.line("baseline ORB+RANSAC+SSIM", n_altered))
    if failures:
        print(f"worst cases of ours ({len(failures)}):")
        print("\n".join(failures[:12]))
    return mine, base


# ---------------------------------------------------------------- speed from JPEG files
def speed(megapixels: int, pairs: int, folder: Path, seed: int) -> tuple[float, float]:
    """Median seconds per comparison from JPEG files (decode included), ours and baseline."""
    rng = np.random.default_rng(seed)
    long_side = 4000 if megapixels == 12 else 2000  # 4000x3000 = 12 MP, 2000x1500 = 3 MP
    mine, base = [], []
    for index in range(pairs):
        name = PHOTOS[index % len(PHOTOS)]
        reference = camera_frame(name, long_side, long_side * 3 // 4)
        nuisance = Nuisance.random(rng, scale_range=(0.8, 0.95))
        probe = make_probe(reference, nuisance, rng, alteration=ALTERATIONS[index % 4])
        ref_path = folder / f"ref_{megapixels}_{index}.jpg"
        photo_path = folder / f"photo_{megapixels}_{index}.jpg"
        cv2.imwrite(str(ref_path), reference, [cv2.IMWRITE_JPEG_QUALITY, 92])
        # The probe canvas has a margin; crop/pad it to the camera's frame size.
        photo = cv2.resize(probe.photo, (reference.shape[1], reference.shape[0]),
                           interpolation=cv2.INTER_AREA)
        cv2.imwrite(str(photo_path), photo, [cv2.IMWRITE_JPEG_QUALITY, 85])
        compare_files(ref_path, photo_path)  # warm the file cache for both methods alike
        started = time.perf_counter()
        compare_files(ref_path, photo_path)
        mine.append(time.perf_counter() - started)
        base.append(baseline_compare_files(ref_path, photo_path).seconds)
    return statistics.median(mine), statistics.median(base)


def quality_speed(frames: int = 200) -> tuple[float, float]:
    """Median ms of assess_quality on a 1280x720 frame: without and with a prepared reference."""
    reference = load_photo("astronaut", 512)
    frame = np.full((720, 1280, 3), 90, np.uint8)
    frame[20:700, 300:980] = cv2.resize(reference, (680, 680))
    prepared = prepare_reference(reference)
    timings: dict[bool, list[float]] = {False: [], True: []}
    for with_reference in (False, True):
        for _ in range(frames):
            started = time.perf_counter()
            assess_quality(frame, prepared if with_reference else None)
            timings[with_reference].append(time.perf_counter() - started)
    return statistics.median(timings[False]) * 1000, statistics.median(timings[True]) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small run (~1 minute)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true")
    args = parser.parse_args(argv)
    per_photo = 4 if args.quick else 15
    pairs = 3 if args.quick else 7
    cv2.setNumThreads(2)
    print(f"OpenCV {cv2.__version__}, {cv2.getNumThreads()} threads; "
          f"{len(PHOTOS)} photos x {per_photo} genuine + {per_photo} altered probes")
    if not args.skip_accuracy:
        accuracy(per_photo, PHOTOS, args.seed)
    if not args.skip_speed:
        plain, framed = quality_speed()
        print(f"quality check, 1280x720 frame (median): {plain:.1f} ms alone, "
              f"{framed:.1f} ms with framing against a prepared reference (budget 10 ms)")
        with tempfile.TemporaryDirectory() as tmp:
            for megapixels in (3, 12):
                mine, base = speed(megapixels, pairs, Path(tmp), args.seed)
                print(f"{megapixels:>2} MP from JPEG (median of {pairs}): ours {mine * 1000:6.0f} ms"
                      f"   baseline {base * 1000:6.0f} ms   speed-up {base / mine:4.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
