"""`inspector compare` and `inspector batch` as a script sees them: JSON contract and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from inspector.cli.main import main
from inspector.vision.synthetic import Nuisance, make_probe
from tests.vision.conftest import write_jpeg
from tests.vision.test_imageio import png_claiming

NUISANCE = Nuisance(tilt_deg=8, rotation_deg=-15, scale=1.2, brightness=10, jpeg_quality=85)


@pytest.fixture
def pair(tmp_path: Path, reference: np.ndarray) -> tuple[Path, Path]:
    probe = make_probe(reference, NUISANCE, np.random.default_rng(5), alteration="mark",
                       change_share=0.04)
    return (write_jpeg(tmp_path / "ref.jpg", reference, 95),
            write_jpeg(tmp_path / "photo.jpg", probe.photo, 85))


def test_compare_json_through_the_real_command(pair: tuple[Path, Path]) -> None:
    """The installed entry point, in a fresh process, prints exactly the object docs/design.md specifies."""
    completed = subprocess.run(
        [sys.executable, "-c", "import sys; from inspector.cli.main import main; "
         "sys.exit(main())", "compare", str(pair[0]), str(pair[1]), "--json"],
        capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout)
    assert list(payload) == ["aligned", "score", "regions", "homography", "elapsed_ms"]
    assert payload["aligned"] is True
    assert 0 <= payload["score"] <= 1
    assert payload["regions"], "the altered mark should be flagged"
    scores = [region["score"] for region in payload["regions"]]
    assert scores == sorted(scores)
    assert all(set(region) == {"x", "y", "w", "h", "score"} for region in payload["regions"])
    assert np.array(payload["homography"]).shape == (3, 3)
    assert payload["elapsed_ms"] > 0


def test_compare_a_folder_of_references_keeps_the_contract(
        tmp_path: Path, pair: tuple[Path, Path], reference: np.ndarray,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    write_jpeg(folder / "a.jpg", reference, 95)
    shifted = cv2.warpAffine(reference, np.float32([[1, 0, 2], [0, 1, 1]]), reference.shape[1::-1],
                             borderMode=cv2.BORDER_REFLECT)
    write_jpeg(folder / "b.jpg", shifted, 95)
    assert main(["compare", str(folder), str(pair[1]), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert list(payload) == ["aligned", "score", "regions", "homography", "elapsed_ms"]
    assert payload["aligned"] is True and payload["regions"]
    # --ignore over the flagged box leaves it out.
    worst = payload["regions"][0]
    box = f"{worst['x'] - 20},{worst['y'] - 20},{worst['w'] + 40},{worst['h'] + 40}"
    assert main(["compare", str(folder), str(pair[1]), "--json", "--ignore", box]) == 0
    ignored = json.loads(capsys.readouterr().out)
    assert all(not (r["x"] >= worst["x"] - 20 and r["y"] >= worst["y"] - 20
                    and r["x"] + r["w"] <= worst["x"] + worst["w"] + 20
                    and r["y"] + r["h"] <= worst["y"] + worst["h"] + 20)
               for r in ignored["regions"])
    assert ignored["score"] > payload["score"]


def test_compare_not_aligned_still_exits_0(tmp_path: Path, reference: np.ndarray,
                                           other_photo: np.ndarray,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    ref = write_jpeg(tmp_path / "ref.jpg", reference)
    other = write_jpeg(tmp_path / "other.jpg", other_photo)
    assert main(["compare", str(ref), str(other), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["aligned"] is False and payload["homography"] is None
    assert payload["regions"] == []


def test_compare_heatmap_and_region(pair: tuple[Path, Path], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    heatmap = tmp_path / "heat.png"
    assert main(["compare", str(pair[0]), str(pair[1]), "--region", "0,0,512,512",
                 "--heatmap", str(heatmap)]) == 0
    out = capsys.readouterr().out
    assert "aligned: yes" in out
    image = cv2.imread(str(heatmap))
    assert image is not None and image.shape == (512, 512, 3)


@pytest.mark.parametrize(("make_bad", "expected"), [
    (lambda p: p.write_bytes(b""), "is empty"),
    (lambda p: p.write_text("hello"), "not a readable image"),
    (lambda p: p.write_bytes(png_claiming(60_000, 60_000)), "too large"),
])
def test_compare_bad_photo_exits_2_with_one_line(
        pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        make_bad: object, expected: str) -> None:
    bad = tmp_path / "bad.png"
    make_bad(bad)  # type: ignore[operator]
    assert main(["compare", str(pair[0]), str(bad), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("inspector: ") and expected in lines[0]


def test_compare_truncated_photo_exits_2(pair: tuple[Path, Path], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(pair[1].read_bytes()[:3000])
    assert main(["compare", str(pair[0]), str(cut)]) == 2
    assert "truncated" in capsys.readouterr().err


def test_compare_bad_region_exits_2(pair: tuple[Path, Path],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(pair[0]), str(pair[1]), "--region", "1,2,3"]) == 2
    assert "x,y,w,h" in capsys.readouterr().err


def test_batch_pairs_by_name_and_reports(tmp_path: Path, reference: np.ndarray,
                                         other_photo: np.ndarray,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    refs, photos = tmp_path / "refs", tmp_path / "photos"
    refs.mkdir()
    photos.mkdir()
    write_jpeg(refs / "front.jpg", reference)
    write_jpeg(refs / "back.jpg", other_photo)
    rng = np.random.default_rng(2)
    write_jpeg(photos / "front_1.jpg", make_probe(reference, NUISANCE, rng).photo)
    write_jpeg(photos / "front-retake.jpg", make_probe(reference, NUISANCE, rng).photo)
    write_jpeg(photos / "back.jpg", make_probe(other_photo, NUISANCE, rng).photo)
    (photos / "stray.jpg").write_bytes(b"")  # no matching reference
    report = tmp_path / "report.json"
    code = main(["batch", str(refs), str(photos), "-o", str(report)])
    assert code == 1  # one photo could not be paired
    rows = json.loads(report.read_text())
    by_photo = {Path(row["photo"]).name: row for row in rows}
    assert Path(by_photo["front_1.jpg"]["reference"]).name == "front.jpg"
    assert Path(by_photo["back.jpg"]["reference"]).name == "back.jpg"
    assert by_photo["front-retake.jpg"]["aligned"] is True
    assert by_photo["stray.jpg"]["error"]
    err = capsys.readouterr().err
    assert "4/4" not in err and "3/3 done" in err  # progress bar on stderr


def test_batch_csv_on_stdout(tmp_path: Path, reference: np.ndarray,
                             capsys: pytest.CaptureFixture[str]) -> None:
    refs, photos = tmp_path / "refs", tmp_path / "photos"
    refs.mkdir()
    photos.mkdir()
    write_jpeg(refs / "tag.jpg", reference)
    write_jpeg(photos / "tag_a.jpg", make_probe(reference, NUISANCE,
                                                  np.random.default_rng(3)).photo)
    (photos / "tag_b.jpg").write_bytes(b"garbage")
    assert main(["batch", str(refs), str(photos)]) == 1
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["photo"].endswith("tag_a.jpg") for row in rows] == [True, False]
    assert rows[0]["aligned"] == "True" and rows[0]["error"] == ""
    assert "not a readable image" in rows[1]["error"]


def test_batch_missing_folder_exits_2(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", str(tmp_path / "none"), str(tmp_path)]) == 2
    assert "is not a folder" in capsys.readouterr().err
