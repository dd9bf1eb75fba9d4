"""Settings: environment over file over defaults, validated; a damaged file stops with one sentence."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from inspector.config import load_settings, save_settings
from inspector.errors import BadInput


def _env(home: Path, **variables: str) -> dict[str, str]:
    return {"INSPECTOR_HOME": str(home), **{f"INSPECTOR_{k.upper()}": v for k, v in variables.items()}}


def test_environment_over_file_over_defaults(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text(json.dumps({"station_name": "bench-7", "camera": "2"}))
    settings = load_settings(_env(tmp_path, camera="demo"))
    assert (settings.station_name, settings.camera, settings.label_size) == ("bench-7", "demo", "2x1in")
    assert settings.database_url == f"sqlite:///{tmp_path / 'inspector.db'}"


def test_extra_settings_are_loaded(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text(json.dumps({"extra": {"review_risk_brands": "Rolex,Chanel"}}))
    assert load_settings(_env(tmp_path)).extra == {"review_risk_brands": "Rolex,Chanel"}


@pytest.mark.parametrize(("content", "words"), [
    ('{"database_url": ', ["is damaged", "settings.json"]),
    ("\x00\xff\xfe", ["is damaged"]),
    ("[1, 2]", ["is damaged"]),
    ('{"review_sample_rate": "lots"}', ["'review_sample_rate'", "valid number"]),
    ('{"review_sample_rate": 3}', ["'review_sample_rate'", "less than or equal to 1"]),
    ('{"print_tag_on_pass": "perhaps"}', ["'print_tag_on_pass'", "boolean"]),
    ('{"databse_url": "postgresql://x"}', ["unknown setting 'databse_url'"]),
])
def test_a_damaged_settings_file_stops_with_one_sentence(tmp_path: Path, content: str,
                                                         words: list[str]) -> None:
    """Not silently the defaults: a station set to PostgreSQL would quietly record to a local file."""
    (tmp_path / "settings.json").write_bytes(content.encode("utf-8", "surrogateescape"))
    with pytest.raises(BadInput) as refused:
        load_settings(_env(tmp_path))
    message = str(refused.value)
    assert "\n" not in message and str(tmp_path / "settings.json") in message
    for word in words:
        assert word in message


def test_a_huge_settings_file_is_refused_without_reading_it_as_json(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_bytes(b"[" * (1 << 20))
    with pytest.raises(BadInput, match="larger than"):
        load_settings(_env(tmp_path))


def test_a_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="INSPECTOR_REVIEW_SAMPLE_RATE='abc' is not valid"):
        load_settings(_env(tmp_path, review_sample_rate="abc"))


def test_a_password_given_only_in_the_environment_is_never_written(tmp_path: Path) -> None:
    secret_url = "postgresql+psycopg://station:s3cret@db.local/inspector"
    settings = load_settings(_env(tmp_path, database_url=secret_url))
    save_settings(settings.with_changes(station_name="bench-9"))
    path = tmp_path / "settings.json"
    written = path.read_text()
    assert "s3cret" not in written and json.loads(written)["station_name"] == "bench-9"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # Changed here on purpose (the settings dialog): then it is the person's choice, and written.
    save_settings(settings.with_changes(database_url="sqlite:////srv/other.db"))
    assert json.loads(path.read_text())["database_url"] == "sqlite:////srv/other.db"


def test_saving_keeps_what_the_file_had_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text(json.dumps({"extra": {"review_risk_brands": "Rolex"}}))
    settings = load_settings(_env(tmp_path))
    save_settings(settings.with_changes(camera="demo"))
    again = load_settings(_env(tmp_path))
    assert again.camera == "demo" and again.extra == {"review_risk_brands": "Rolex"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]
