"""Where files go and what the station is set to: environment over settings file over defaults."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Annotated, Any, Literal, get_type_hints

import platformdirs
from pydantic import Field, ValidationError, create_model
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from inspector import atomicfile
from inspector.errors import BadInput
from inspector.private_files import owner_only_folder
from inspector.untrusted import MAX_SETTINGS_BYTES, check_json_depth, size_text

APP_NAME = "inspector"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


# Fields of Settings that follow from the data folder; every other field is a setting a person may change
# (in the settings file or as INSPECTOR_<NAME>), validated by its type.
_DERIVED = frozenset({"home", "keys_dir", "settings_file", "from_environment"})


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
    review_sample_rate: Annotated[float, Field(ge=0, le=1)] = 0.1
    # Signed audit-log checkpoints go here (ideally another machine's share); empty: <home>/checkpoints.
    checkpoint_dir: str = ""
    checkpoint_minutes: float = 15.0
    # Names the audit log in its checkpoints: one per deployment (all stations on one database).
    log_origin: str = "inspector.local/audit-log"
    # What the barcode scanner is set to send before / after each code (empty: Enter ends a scan).
    scanner_prefix: str = ""
    scanner_suffix: str = ""
    # Take the photo by itself when framing and quality hold steady for about half a second.
    auto_capture: bool = False
    # The centre that issues certificates and tags, as a buyer reads it on them (docs/printing.md).
    issuer_name: str = "Authentication centre"
    issuer_site: str = ""
    issuer_web: str = ""
    issuer_logo: str = ""  # path of a PNG/JPEG printed beside the name; empty: none
    authenticator_shown_as: Literal["initials", "badge"] = "initials"  # a certificate names no one
    label_language: Literal["zpl", "brother-ql"] = "zpl"  # Zebra ZPL, or Brother QL raster (62 mm tape)
    label_dpi: Literal[203, 300, 600] = 203  # the label printer's resolution
    label_darkness: Annotated[int, Field(ge=-30, le=30)] = 0  # ZPL ^MD, relative to the printer's own
    label_speed: Annotated[int, Field(ge=2, le=14)] = 4  # ZPL ^PR, inches per second
    brother_ql_model: str = "QL-820NWB"
    # The address in each QR code; the signed payload follows in its fragment (docs/trust.md).
    verify_url: str = "https://verify.example.com/"
    # Chosen when the deployment is created (first station on an empty database); empty: random.
    deployment_prefix: str = ""
    deployment_name: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    # Values given by INSPECTOR_* variables: save_settings does not copy them into the file.
    from_environment: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def ensure_folders(self) -> None:
        """The data folder and the keys owner-only (0700); the photo folder too when it lives in the data
        folder (a configured share keeps its own modes: stations of other users read it)."""
        owner_only_folder(self.home)
        owner_only_folder(self.keys_dir)
        if self.photo_dir.resolve().is_relative_to(self.home.resolve()):
            owner_only_folder(self.photo_dir)
        else:
            self.photo_dir.mkdir(parents=True, exist_ok=True)

    @property
    def checkpoints_path(self) -> Path:
        return Path(self.checkpoint_dir).expanduser() if self.checkpoint_dir else self.home / "checkpoints"

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def shipped_folder(name: str) -> Path:
    """The checklists or assets that come with the program: the source checkout's own folder, or the
    copy a wheel carries inside the package (pyproject's force-include) when installed with pip."""
    checkout = PROJECT_ROOT / name
    return checkout if checkout.is_dir() else Path(__file__).resolve().parent / "shipped" / name


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


def _read_settings_file(path: Path) -> dict[str, Any]:
    """The file's values; a damaged file stops the station rather than quietly meaning the defaults.

    (A station set to PostgreSQL that fell back to defaults would record to a local SQLite file.)
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise BadInput(f"The settings file {path} cannot be read ({exc.strerror}).") from exc
    if len(raw) > MAX_SETTINGS_BYTES:
        raise BadInput(f"The settings file {path} is larger than {size_text(MAX_SETTINGS_BYTES)}; "
                       "it is not a settings file.")
    check_json_depth(raw, f"The settings file {path}")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadInput(f"The settings file {path} is damaged ({exc}); fix or remove it.") from exc
    if not isinstance(data, dict):
        raise BadInput(f"The settings file {path} is damaged (it holds no object of settings); "
                       "fix or remove it.")
    return data


# The environment mapping load_settings was given (os.environ, or a test's dict): read by the source below.
_ENVIRONMENT: ContextVar[Mapping[str, str]] = ContextVar("inspector_environment")


class _MappingEnvSource(EnvSettingsSource):
    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {name.lower(): value for name, value in _ENVIRONMENT.get(os.environ).items()}


class _UserSettings(BaseSettings):
    """What a person may set, validated: INSPECTOR_<NAME> over the settings file (init values) over
    defaults. Fields are those of `Settings` that are not derived from the data folder."""

    model_config = SettingsConfigDict(env_prefix="INSPECTOR_", extra="forbid", env_ignore_empty=True,
                                      frozen=True)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings],
                                   init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (_MappingEnvSource(settings_cls), init_settings)


def _user_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(Settings) if f.name not in _DERIVED)


@functools.cache
def _user_model() -> type[_UserSettings]:
    hints = get_type_hints(Settings, include_extras=True)
    definitions: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name in _DERIVED:
            continue
        if f.default is not MISSING:
            definitions[f.name] = (hints[f.name], f.default)
        elif f.default_factory is not MISSING:
            definitions[f.name] = (hints[f.name], Field(default_factory=f.default_factory))
        else:  # defaults that depend on the data folder are filled in by load_settings
            definitions[f.name] = (hints[f.name] | None, None)
    return create_model("UserSettings", __base__=_UserSettings, **definitions)


def _invalid(exc: ValidationError, env: Mapping[str, str], path: Path) -> BadInput:
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error["loc"] else "?"
    variable = f"INSPECTOR_{name.upper()}"
    if error["type"] == "extra_forbidden":
        return BadInput(f"The settings file {path} names an unknown setting {name!r}; fix or remove it.")
    if env.get(variable):
        return BadInput(f"The environment variable {variable}={env[variable]!r} is not valid: "
                        f"{error['msg'].lower()}.")
    return BadInput(f"The settings file {path} has a bad value for {name!r}: {error['msg'].lower()}; "
                    "fix or remove it.")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from INSPECTOR_* variables over the settings file over defaults; BadInput (one sentence
    naming the file or variable and the field) when any of them is not valid."""
    env = os.environ if env is None else env
    home = default_home(env)
    path = settings_path(env)
    stored = _read_settings_file(path)
    token = _ENVIRONMENT.set(env)
    try:
        user = _user_model()(**stored)
        from_env = _user_model()()  # the environment alone, to know which values came from it
    except ValidationError as exc:
        raise _invalid(exc, env, path) from exc
    finally:
        _ENVIRONMENT.reset(token)
    values = user.model_dump()
    derived_defaults = {
        "database_url": f"sqlite:///{home / 'inspector.db'}",
        "photo_dir": home / "photos",
        "checklists_dir": shipped_folder("checklists"),
        "assets_dir": shipped_folder("assets"),
    }
    for name, default in derived_defaults.items():
        if values.get(name) is None:
            values[name] = default
    environment = {name: getattr(from_env, name) for name in from_env.model_fields_set}
    return Settings(home=home, keys_dir=home / "keys", settings_file=path,
                    from_environment=environment, **values)


def save_settings(settings: Settings) -> None:
    """Write what a person chose, owner-only and atomically. A value that came only from the environment
    (a database password in INSPECTOR_DATABASE_URL, say) is not written unless it was changed here."""
    path = settings.settings_file
    stored = _read_settings_file(path)
    for name in _user_fields():
        value = getattr(settings, name)
        if name in settings.from_environment and settings.from_environment[name] == value:
            continue
        stored[name] = str(value) if isinstance(value, Path) else value
    write_private_file(path, json.dumps(stored, indent=2).encode("utf-8"))


def write_private_file(path: Path, data: bytes) -> None:
    """Owner-only (0600), atomically: a crash leaves the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomicfile.replace(path, data, 0o600)
