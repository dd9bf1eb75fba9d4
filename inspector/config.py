"""Where files go and what the station is set to: environment over settings file over defaults."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import platformdirs

APP_NAME = "inspector"
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Settings a user may change (settings file or INSPECTOR_<NAME>); paths are derived below.
_USER_FIELDS = (
    "database_url",
    "photo_dir",
    "checklists_dir",
    "assets_dir",
    "station_name",
    "camera",
    "hot_folder",
    "printer",
    "label_size",
    "label_printer",
    "print_tag_on_pass",
    "review_sample_rate",
    "checkpoint_dir",
    "checkpoint_minutes",
    "log_origin",
)


@dataclass(frozen=True)
class Settings:
    """Everything a station needs to know about where it lives and how it is set up."""

    home: Path
    database_url: str
    photo_dir: Path
    keys_dir: Path
    checklists_dir: Path
    assets_dir: Path
    settings_file: Path
    station_name: str = "bench-1"
    camera: str = "0"
    hot_folder: str = ""
    printer: str = ""
    label_size: str = "2x1in"
    # HOST[:PORT] of a ZPL label printer (Zebra, port 9100); empty: tags go through `printer`.
    label_printer: str = ""
    print_tag_on_pass: bool = False
    review_sample_rate: float = 0.1
    # Signed audit-log checkpoints go here (ideally another machine's share); empty: <home>/checkpoints.
    checkpoint_dir: str = ""
    checkpoint_minutes: float = 15.0
    # Names the audit log in its checkpoints: one per deployment (all stations on one database).
    log_origin: str = "inspector.local/audit-log"
    extra: dict[str, str] = field(default_factory=dict)

    def ensure_folders(self) -> None:
        for folder in (self.home, self.photo_dir, self.keys_dir):
            folder.mkdir(parents=True, exist_ok=True)

    @property
    def checkpoints_path(self) -> Path:
        return Path(self.checkpoint_dir).expanduser() if self.checkpoint_dir else self.home / "checkpoints"

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def default_home(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("INSPECTOR_HOME"):
        return Path(env["INSPECTOR_HOME"]).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def settings_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("INSPECTOR_HOME"):
        return default_home(env) / "settings.json"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.json"


def _read_settings_file(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        # A damaged settings file must not stop a bench: fall back to defaults.
        return {}
    return data if isinstance(data, dict) else {}


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from INSPECTOR_* variables over the settings file over defaults."""
    env = os.environ if env is None else env
    home = default_home(env)
    path = settings_path(env)
    stored = _read_settings_file(path)
    values: dict[str, object] = {
        "database_url": f"sqlite:///{home / 'inspector.db'}",
        "photo_dir": str(home / "photos"),
        "checklists_dir": str(PROJECT_ROOT / "checklists"),
        "assets_dir": str(PROJECT_ROOT / "assets"),
    }
    for name in _USER_FIELDS:
        if name in stored:
            values[name] = stored[name]
        env_value = env.get(f"INSPECTOR_{name.upper()}")
        if env_value:
            values[name] = env_value
    defaults = {f.name: f.default for f in fields(Settings)}
    return Settings(
        home=home,
        database_url=str(values["database_url"]),
        photo_dir=Path(str(values["photo_dir"])),
        keys_dir=home / "keys",
        checklists_dir=Path(str(values["checklists_dir"])),
        assets_dir=Path(str(values["assets_dir"])),
        settings_file=path,
        station_name=str(values.get("station_name", defaults["station_name"])),
        camera=str(values.get("camera", defaults["camera"])),
        hot_folder=str(values.get("hot_folder", defaults["hot_folder"])),
        printer=str(values.get("printer", defaults["printer"])),
        label_size=str(values.get("label_size", defaults["label_size"])),
        label_printer=str(values.get("label_printer", defaults["label_printer"])),
        print_tag_on_pass=_as_bool(values.get("print_tag_on_pass", defaults["print_tag_on_pass"])),
        review_sample_rate=float(
            values.get("review_sample_rate", defaults["review_sample_rate"])  # type: ignore[arg-type]
        ),
        checkpoint_dir=str(values.get("checkpoint_dir", defaults["checkpoint_dir"])),
        checkpoint_minutes=float(
            values.get("checkpoint_minutes", defaults["checkpoint_minutes"])  # type: ignore[arg-type]
        ),
        log_origin=str(values.get("log_origin", defaults["log_origin"])),
    )


def _as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def save_settings(settings: Settings) -> None:
    """Write the user-changeable settings; derived paths are not stored."""
    data = asdict(settings)
    stored = {name: str(data[name]) if isinstance(data[name], Path) else data[name]
              for name in _USER_FIELDS}
    settings.settings_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = settings.settings_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(stored, indent=2), encoding="utf-8")
    tmp.replace(settings.settings_file)
