"""The built wheel is a whole station: a pip-installed `inspector` finds its checklists and references."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_wheel_carries_checklists_and_references_and_finds_them(tmp_path: Path) -> None:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    built = subprocess.run([uv, "build", "--wheel", "--out-dir", str(tmp_path / "dist"), str(REPO)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("inspector-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    shipped = {path.relative_to(REPO).as_posix() for folder in ("checklists", "assets")
               for path in (REPO / folder).rglob("*") if path.is_file()}
    assert shipped and {f"inspector/shipped/{name}" for name in shipped} <= names
    # Run from the unpacked wheel alone (not this checkout): the shipped checklists load and validate.
    probe = ("from inspector.config import load_settings; from inspector.domain.loading import load_library; "
             "s = load_settings(); lib = load_library(s.checklists_dir, s.assets_dir); "
             "print(s.checklists_dir); print(len(lib.all()))")
    env = {"INSPECTOR_HOME": str(tmp_path / "home"), "PYTHONPATH": str(tmp_path / "site"),
           "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    folder, count = result.stdout.split()
    assert folder == str(tmp_path / "site" / "inspector" / "shipped" / "checklists")
    assert int(count) == len(list((REPO / "checklists").rglob("*.yaml")))
