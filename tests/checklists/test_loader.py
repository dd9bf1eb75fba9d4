"""The checklist loader: every mistake is one line naming file, step and field; nothing else escapes."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from inspector.cli.main import main
from inspector.domain.loading import (
    ChecklistError,
    LoadedChecklist,
    load_library,
    parse_checklist_text,
    validate_paths,
)

GOOD = """\
id: test-bag
brand: Testbrand
model: Tote
category: bags
version: 2
patterns: ["TB\\\\d{5}"]
registry:
  countries: [France]
  date_code_pattern: "[A-Z]{2}\\\\d{4}"
steps:
  - id: date-code
    title: Date code
    instructions: Read the date code inside the pocket.
    severity: critical
    references: [references/test/date.png]
    compare: {region: [10, 10, 100, 50], threshold: 0.8}
    value: {kind: date_code}
  - id: stitching
    title: Handle stitching
    instructions: Count the stitches on each handle tab.
    severity: major
    references: [references/test/stitch.png]
  - id: smell
    title: Smell
    instructions: Leather, no chemical odour.
    severity: minor
    photo: none
"""


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    root = tmp_path / "assets"
    (root / "references" / "test").mkdir(parents=True)
    for name in ("date.png", "stitch.png"):
        Image.new("RGB", (320, 240), (200, 180, 160)).save(root / "references" / "test" / name)
    return root


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_checklist_loads_with_its_hash(tmp_path: Path, assets: Path) -> None:
    write(tmp_path / "checklists", "testbrand/tote.yaml", GOOD)
    library = load_library(tmp_path / "checklists", assets)
    loaded = library.get("test-bag")
    assert loaded.checklist.version == 2
    assert len(loaded.content_hash) == 64
    assert library.for_code("tb 12345") is loaded
    assert library.for_code("TB1234") is None


def test_cli_names_severity_reference_and_duplicate_each_on_its_line(
    tmp_path: Path, assets: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = (GOOD.replace("severity: major", "severity: apocalyptic")
               .replace("references/test/date.png", "references/test/nowhere.png")
               .replace("id: smell", "id: stitching"))
    path = write(tmp_path / "checklists", "testbrand/tote.yaml", bad)
    monkeypatch.setenv("INSPECTOR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("INSPECTOR_ASSETS_DIR", str(assets))
    assert main(["checklists", "validate", str(tmp_path / "checklists")]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3, lines
    assert all(line.startswith(f"{path}: step ") for line in lines)
    severity = next(line for line in lines if "severity" in line)
    assert "step 'stitching'" in severity and "'critical', 'major' or 'minor'" in severity
    missing = next(line for line in lines if "nowhere.png" in line)
    assert "step 'date-code': references:" in missing and "missing" in missing
    duplicate = next(line for line in lines if "duplicate" in line)
    assert "step 'stitching': id:" in duplicate


def test_cli_exits_zero_on_good_checklists(
    tmp_path: Path, assets: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "checklists", "testbrand/tote.yaml", GOOD)
    monkeypatch.setenv("INSPECTOR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("INSPECTOR_ASSETS_DIR", str(assets))
    assert main(["checklists", "validate", str(tmp_path / "checklists")]) == 0
    assert main(["checklists", "validate", str(tmp_path / "no-such-folder")]) == 1
    assert "no such file or folder" in capsys.readouterr().out


@pytest.mark.parametrize(("change", "expected"), [
    (("    value: {kind: date_code}", "    value: {kind: date_code}\n    colour: red"),
     "step 'date-code': colour: unknown field"),
    (("region: [10, 10, 100, 50]", "region: [300, 10, 100, 50]"),
     "step 'date-code': compare.region: region [300, 10, 100, 50] lies outside"),
    (("region: [10, 10, 100, 50]", "region: [10, 10, 100]"), "step 'date-code': compare.region"),
    (("region: [10, 10, 100, 50]", "region: [10, 10, 100, 50], ignore: [[0, 0, 5, 5], [10, 10, 900, 5]]"),
     "step 'date-code': compare.ignore[1]: region [10, 10, 900, 5] lies outside"),
    (("region: [10, 10, 100, 50]", "region: [10, 10, 100, 50], ignore: [[0, 0, 0, 5]]"),
     "step 'date-code': compare.ignore.0.w"),
    (("region: [10, 10, 100, 50]", "region: [10, -1, 100, 50]"), "step 'date-code': compare.region.y"),
    (('"[A-Z]{2}\\\\d{4}"', '"[A-Z"'), "registry.date_code_pattern: not a valid regular expression"),
    (("category: bags", "category: cars"), "category: Input should be"),
    (("version: 2", "version: two"), "version: Input should be a valid integer"),
    (("references/test/stitch.png", "../../etc/passwd"), "step 'stitching': references: reference image"),
    (("    references: [references/test/stitch.png]\n", ""),
     "step 'stitching': a step that requires a photo needs at least one reference image"),
    (("    value: {kind: date_code}", "    value: {kind: date_code, must_match: heat-stamp}"),
     "step 'date-code': must_match names unknown step 'heat-stamp'"),
    (("    photo: none\n", "    photo: none\n    notes: [Faint glue smell, Faint glue smell]\n"),
     "step 'smell': notes: two canned notes are the same"),
    (("    photo: none\n", f"    photo: none\n    notes: [{', '.join(f'note {n}' for n in range(10))}]\n"),
     "step 'smell': notes: List should have at most 9 items"),
    (("    photo: none\n", "    photo: none\n    notes: ['solvent; glue']\n"), "step 'smell': notes.0"),
    (("    photo: none\n", "    photo: none\n    notes: [\"\"]\n"), "step 'smell': notes.0"),
    (("    photo: none\n", "    photo: none\n    notes: faint glue\n"), "step 'smell': notes"),
])
def test_each_mistake_names_file_step_and_field(
    tmp_path: Path, assets: Path, change: tuple[str, str], expected: str
) -> None:
    old, new = change
    assert old in GOOD
    path = write(tmp_path, "tote.yaml", GOOD.replace(old, new))
    problems = [str(p) for p in validate_paths([path], assets)]
    assert problems, "the mistake went unnoticed"
    assert any(p.startswith(f"{path}: ") and expected in p for p in problems), problems


def test_a_reference_that_is_not_an_image_is_reported(tmp_path: Path, assets: Path) -> None:
    (assets / "references" / "test" / "stitch.png").write_bytes(b"this is not a picture")
    path = write(tmp_path, "tote.yaml", GOOD)
    problems = [str(p) for p in validate_paths([path], assets)]
    assert problems == [f"{path}: step 'stitching': references: "
                        "reference image references/test/stitch.png is not a readable image"]


def test_two_files_with_one_checklist_id_are_refused(tmp_path: Path, assets: Path) -> None:
    first = write(tmp_path / "checklists", "a/tote.yaml", GOOD)
    second = write(tmp_path / "checklists", "b/tote-copy.yaml", GOOD.replace("TB", "TC"))
    with pytest.raises(ChecklistError) as refused:
        load_library(tmp_path / "checklists", assets)
    assert str(refused.value) == f"{second}: id: checklist id 'test-bag' is already used by {first}"


@pytest.mark.parametrize("text", [
    "id: [unclosed\n", "version: 2024-13-45\n", "[" * 5000, "a: &a [*a]\nid: *a\n",
    "- just\n- a list\n", "", "\x00\x01", "? [1, 2]\n: x\n", "id: !!python/object:os.system x\n",
    "x: " + "y" * 1_200_000,
    # Closed deep nesting: libyaml's composer overflows the C stack on it (a crash, not an error).
    "[" * 50_000 + "]" * 50_000, "{a: " * 5_000 + "1" + "}" * 5_000,
])
def test_hostile_text_gives_one_clear_problem(text: str) -> None:
    with pytest.raises(ChecklistError) as refused:
        parse_checklist_text(text, "hostile.yaml")
    message = str(refused.value)
    assert message.startswith("hostile.yaml") and "\n" not in message and len(message) < 2000


def _assert_only_clear_errors(text: str) -> None:
    try:
        loaded = parse_checklist_text(text, "fuzz.yaml")
    except ChecklistError as exc:
        assert exc.problems
        for problem in exc.problems:
            line = str(problem)
            assert line.startswith("fuzz.yaml") and line.isprintable(), line
    else:
        assert isinstance(loaded, LoadedChecklist)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=string.printable + "äé€\t", max_size=400))
def test_random_text_never_escapes_as_anything_but_a_checklist_error(text: str) -> None:
    _assert_only_clear_errors(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda children: (st.lists(children, max_size=4)
                      | st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=20,
)


@st.composite
def mutated_checklists(draw: st.DrawFn) -> dict[str, object]:
    """A good checklist with a few fields replaced, removed or added at random depths."""
    data = yaml.safe_load(GOOD)
    for _ in range(draw(st.integers(1, 4))):
        steps = [s for s in data.get("steps") or [] if isinstance(s, dict)] \
            if isinstance(data.get("steps"), list) else []
        target = draw(st.sampled_from(steps)) if steps and draw(st.booleans()) else data
        key = draw(st.sampled_from(sorted(target)) | st.text(min_size=1, max_size=8)) if target \
            else draw(st.text(min_size=1, max_size=8))
        if draw(st.booleans()):
            target.pop(key, None)
        else:
            target[key] = draw(json_values)
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_checklists())
def test_random_structures_give_only_clear_validation_errors(data: dict[str, object]) -> None:
    _assert_only_clear_errors(yaml.safe_dump(data, allow_unicode=True))


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_any_yaml_document_gives_only_clear_validation_errors(data: object) -> None:
    _assert_only_clear_errors(yaml.safe_dump(data, allow_unicode=True))


def test_the_example_in_the_checklist_docs_is_valid() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "checklists.md").read_text(encoding="utf-8")
    example = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    loaded = parse_checklist_text(example, "docs/checklists.md")
    assert loaded.checklist.step("size-tag").value is not None
    assert any(step.notes for step in loaded.checklist.steps)  # the canned notes field, shown once
