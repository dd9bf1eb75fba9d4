"""Reading checklist files: YAML to validated Checklist, every mistake reported with file, step and field."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from inspector.domain.checklist import Checklist
from inspector.errors import ChecklistInvalid


@dataclass(frozen=True)
class ChecklistProblem:
    file: str
    step: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.step:
            where.append(f"step {self.step!r}")
        if self.field:
            where.append(self.field)
        return ": ".join([*where, self.message])


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


def _problems_from_validation(name: str, data: object, error: ValidationError) -> list[ChecklistProblem]:
    problems = []
    steps = data.get("steps") if isinstance(data, dict) else None
    for item in error.errors():
        loc = list(item["loc"])
        step_name = None
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
            index = loc[1]
            step_data = steps[index] if isinstance(steps, list) and index < len(steps) else None
            step_name = str(step_data.get("id")) if isinstance(step_data, dict) and step_data.get("id") \
                else f"#{index + 1}"
            loc = loc[2:]
        field = ".".join(str(part) for part in loc) or None
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown field"
        problems.append(ChecklistProblem(name, step_name, field, message))
    return problems


def parse_checklist_text(text: str, name: str, path: Path | None = None) -> LoadedChecklist:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else None
        raise ChecklistError([ChecklistProblem(name, None, where, "not valid YAML")]) from exc
    if not isinstance(data, dict):
        raise ChecklistError([ChecklistProblem(name, None, None, "a checklist is a YAML mapping")])
    try:
        checklist = Checklist.model_validate(data)
    except ValidationError as exc:
        raise ChecklistError(_problems_from_validation(name, data, exc)) from exc
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedChecklist(checklist, path or Path(name), digest, text)


def _reference_problems(loaded: LoadedChecklist, name: str, assets_dir: Path) -> list[ChecklistProblem]:
    problems = []
    for step in loaded.checklist.steps:
        for reference in step.references:
            if not (assets_dir / reference).is_file():
                problems.append(ChecklistProblem(name, step.id, "references",
                                                 f"reference image {reference} is missing"))
    return problems


def load_checklist_file(path: Path, assets_dir: Path) -> LoadedChecklist:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ChecklistError([ChecklistProblem(name, None, None, f"cannot be read ({exc})")]) from exc
    loaded = parse_checklist_text(text, name, path)
    problems = _reference_problems(loaded, name, assets_dir)
    if problems:
        raise ChecklistError(problems)
    return loaded


def _yaml_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.y*ml") if p.suffix in (".yaml", ".yml")))
        else:
            files.append(path)
    return files


def validate_paths(paths: Iterable[Path], assets_dir: Path) -> list[ChecklistProblem]:
    problems: list[ChecklistProblem] = []
    for file in _yaml_files(paths):
        try:
            load_checklist_file(file, assets_dir)
        except ChecklistError as exc:
            problems.extend(exc.problems)
    return problems


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

    def for_code(self, code: str) -> LoadedChecklist | None:
        for loaded in self._loaded:
            if loaded.checklist.matches(code):
                return loaded
        return None


def load_library(checklists_dir: Path, assets_dir: Path) -> ChecklistLibrary:
    """Every valid checklist under checklists_dir; raises ChecklistError listing all problems."""
    loaded: list[LoadedChecklist] = []
    problems: list[ChecklistProblem] = []
    for file in _yaml_files([checklists_dir]):
        try:
            loaded.append(load_checklist_file(file, assets_dir))
        except ChecklistError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ChecklistError(problems)
    return ChecklistLibrary(loaded)
