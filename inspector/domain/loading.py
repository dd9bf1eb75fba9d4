"""Reading checklist files: YAML to validated Checklist, every mistake reported with file, step and field."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from PIL import Image, UnidentifiedImageError
from pydantic import ValidationError

from inspector.domain.checklist import Checklist
from inspector.errors import ChecklistInvalid
from inspector.untrusted import MAX_CHECKLIST_BYTES, MAX_CHECKLIST_NESTING

# A checklist is a page of text; anything far larger is a mistake (or an attack), not a checklist.


@dataclass(frozen=True)
class ChecklistProblem:
    file: str
    step: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [_one_line(self.file)]
        if self.step:
            where.append(f"step {self.step!r}")
        if self.field:
            where.append(_one_line(self.field))
        return ": ".join([*where, _one_line(self.message)])


def _one_line(text: str) -> str:
    """A problem is one line however odd the names in the file are."""
    return text if text.isprintable() else repr(text)[1:-1]


@dataclass(frozen=True)
class LoadedChecklist:
    checklist: Checklist
    path: Path
    content_hash: str
    source_text: str


class ChecklistError(ChecklistInvalid):
    def __init__(self, problems: Sequence[ChecklistProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def _step_name(steps: object, index: int) -> str:
    step = steps[index] if isinstance(steps, list) and index < len(steps) else None
    step_id = step.get("id") if isinstance(step, dict) else None
    return str(step_id) if isinstance(step_id, str | int) and str(step_id) else f"#{index + 1}"


def _problems_from_validation(name: str, data: dict[object, object],
                              error: ValidationError) -> list[ChecklistProblem]:
    problems = []
    steps = data.get("steps")
    for item in error.errors():
        loc = list(item["loc"])
        step_name = None
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
            step_name = _step_name(steps, loc[1])
            loc = loc[2:]
        field = ".".join(str(part) for part in loc) or None
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown field"
        problems.append(ChecklistProblem(name, step_name, field, message))
    return problems


def _raw_steps(data: dict[object, object]) -> list[tuple[str, dict[object, object]]]:
    steps = data.get("steps")
    if not isinstance(steps, list):
        return []
    return [(_step_name(steps, i), s) for i, s in enumerate(steps) if isinstance(s, dict)]


def _duplicate_step_problems(name: str, data: dict[object, object]) -> list[ChecklistProblem]:
    """Checked on the raw data so a duplicate is reported even when another field is also wrong."""
    seen: set[str] = set()
    problems = []
    for step_name, _step in _raw_steps(data):
        if step_name in seen:
            problems.append(ChecklistProblem(name, step_name, "id", f"duplicate step id {step_name!r}"))
        seen.add(step_name)
    return problems


def _box(region: object) -> tuple[int, int, int, int] | None:
    if isinstance(region, dict):
        region = [region.get(k) for k in ("x", "y", "w", "h")]
    if isinstance(region, list) and len(region) == 4 and all(type(v) is int for v in region):
        x, y, w, h = region
        return (x, y, w, h)
    return None


def _regions(step: dict[object, object]) -> list[tuple[str, tuple[int, int, int, int]]]:
    """(field, box) of the compare region and of each ignored box, as written."""
    compare = step.get("compare")
    if not isinstance(compare, dict):
        return []
    boxes = [("compare.region", _box(compare.get("region")))]
    ignore = compare.get("ignore")
    if isinstance(ignore, list):
        boxes += [(f"compare.ignore[{index}]", _box(box)) for index, box in enumerate(ignore)]
    return [(field, box) for field, box in boxes if box is not None]


def _reference_problems(name: str, data: dict[object, object], assets_dir: Path) -> list[ChecklistProblem]:
    problems = []
    root = assets_dir.resolve()
    for step_name, step in _raw_steps(data):
        references = step.get("references")
        if not isinstance(references, list):
            continue
        regions = _regions(step)
        for reference in references:
            if not isinstance(reference, str) or not reference.strip():
                continue
            path = (assets_dir / reference).resolve()
            if not path.is_relative_to(root):
                problems.append(ChecklistProblem(name, step_name, "references",
                                                 f"reference image {reference} is outside {assets_dir}"))
                continue
            if not path.is_file():
                problems.append(ChecklistProblem(name, step_name, "references",
                                                 f"reference image {reference} is missing"))
                continue
            try:
                with Image.open(path) as image:
                    width, height = image.size
            except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
                problems.append(ChecklistProblem(name, step_name, "references",
                                                 f"reference image {reference} is not a readable image"))
                continue
            for field, (x, y, w, h) in regions:
                if x + w > width or y + h > height:
                    problems.append(ChecklistProblem(
                        name, step_name, field,
                        f"region {[x, y, w, h]} lies outside {reference} ({width}x{height})"))
    return problems


# libyaml's parser under PyYAML's safe constructor: the same documents, about ten times faster
# (every station start and every test parses the whole library).
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _refuse_aliases_and_deep_nesting(text: str, name: str) -> None:
    """Scan the parser's events before anything is built. Aliases (*name) let 1 kB of YAML stand for
    billions of nodes ("billion laughs"); a checklist never needs them. Deep nesting overflows the C
    stack of libyaml's composer (a crash, not an exception); a checklist is a few levels deep."""
    depth = 0
    for event in yaml.parse(text, Loader=_SAFE_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise ChecklistError([ChecklistProblem(name, None, None,
                                                   "uses YAML aliases (*name), which checklists may not")])
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_CHECKLIST_NESTING:
                raise ChecklistError([ChecklistProblem(name, None, None, "nested too deeply")])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _read_yaml(text: str, name: str) -> dict[object, object]:
    if len(text) > MAX_CHECKLIST_BYTES:
        raise ChecklistError([ChecklistProblem(name, None, None,
                                               f"is larger than {MAX_CHECKLIST_BYTES // 1000} kB")])
    try:
        _refuse_aliases_and_deep_nesting(text, name)
        data = yaml.load(text, Loader=_SAFE_LOADER)  # a safe loader: plain data only
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None)
        message = f"not valid YAML ({problem})" if problem else "not valid YAML"
        raise ChecklistError([ChecklistProblem(name, None, where, message)]) from exc
    except RecursionError as exc:
        raise ChecklistError([ChecklistProblem(name, None, None, "nested too deeply")]) from exc
    except ValueError as exc:
        # PyYAML raises a bare ValueError for impossible dates such as 2024-13-45.
        raise ChecklistError([ChecklistProblem(name, None, None, f"not valid YAML ({exc})")]) from exc
    if not isinstance(data, dict):
        raise ChecklistError([ChecklistProblem(name, None, None, "a checklist is a YAML mapping")])
    return data


def _validate(data: dict[object, object], name: str) -> tuple[Checklist | None, list[ChecklistProblem]]:
    try:
        return Checklist.model_validate(data), []
    except ValidationError as exc:
        return None, _problems_from_validation(name, data, exc)
    except RecursionError:
        return None, [ChecklistProblem(name, None, None, "refers to itself (a YAML alias loop)")]


def parse_checklist_text(text: str, name: str, path: Path | None = None,
                         assets_dir: Path | None = None) -> LoadedChecklist:
    """Parse and validate; with assets_dir, also check that reference images exist and fit their regions."""
    data = _read_yaml(text, name)
    checklist, problems = _validate(data, name)
    raw = _duplicate_step_problems(name, data)
    if assets_dir is not None:
        raw += _reference_problems(name, data, assets_dir)
    raw_messages = {p.message for p in raw}
    problems = [p for p in problems if p.message not in raw_messages] + raw
    if problems or checklist is None:
        raise ChecklistError(problems)
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogateescape")).hexdigest()
    return LoadedChecklist(checklist, path or Path(name), digest, text)


def load_checklist_file(path: Path, assets_dir: Path) -> LoadedChecklist:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ChecklistError([ChecklistProblem(name, None, None, "is not UTF-8 text")]) from exc
    except OSError as exc:
        raise ChecklistError([ChecklistProblem(name, None, None,
                                               f"cannot be read ({exc.strerror or exc})")]) from exc
    return parse_checklist_text(text, name, path, assets_dir)


def _yaml_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            files.append(path)
    return files


def _load_all(files: Sequence[Path],
              assets_dir: Path) -> tuple[list[LoadedChecklist], list[ChecklistProblem]]:
    loaded: list[LoadedChecklist] = []
    problems: list[ChecklistProblem] = []
    first_file: dict[str, Path] = {}
    for file in files:
        try:
            one = load_checklist_file(file, assets_dir)
        except ChecklistError as exc:
            problems.extend(exc.problems)
            continue
        checklist_id = one.checklist.id
        if checklist_id in first_file:
            problems.append(ChecklistProblem(str(file), None, "id",
                                             f"checklist id {checklist_id!r} is already used by "
                                             f"{first_file[checklist_id]}"))
            continue
        first_file[checklist_id] = file
        loaded.append(one)
    return loaded, problems


def validate_paths(paths: Sequence[Path], assets_dir: Path) -> list[ChecklistProblem]:
    existing = [p for p in paths if p.exists()]
    missing = [ChecklistProblem(str(p), None, None, "no such file or folder")
               for p in paths if not p.exists()]
    return missing + _load_all(_yaml_files(existing), assets_dir)[1]


class ChecklistLibrary:
    def __init__(self, loaded: Sequence[LoadedChecklist]) -> None:
        self._loaded = list(loaded)

    def all(self) -> list[LoadedChecklist]:
        return list(self._loaded)

    def get(self, checklist_id: str) -> LoadedChecklist:
        for loaded in self._loaded:
            if loaded.checklist.id == checklist_id:
                return loaded
        raise KeyError(checklist_id)

    def replace(self, new: LoadedChecklist) -> None:
        """A new version of a loaded checklist (same id) is offered from now on."""
        # A new list, swapped whole: readers on other threads see the old list or the new one.
        self._loaded = [new if one.checklist.id == new.checklist.id else one for one in self._loaded]

    def for_code(self, code: str) -> LoadedChecklist | None:
        for loaded in self._loaded:
            if loaded.checklist.matches(code):
                return loaded
        return None


def load_library(checklists_dir: Path, assets_dir: Path) -> ChecklistLibrary:
    """Every valid checklist under checklists_dir; raises ChecklistError listing all problems."""
    loaded, problems = _load_all(_yaml_files([checklists_dir]), assets_dir)
    if problems:
        raise ChecklistError(problems)
    return ChecklistLibrary(loaded)
