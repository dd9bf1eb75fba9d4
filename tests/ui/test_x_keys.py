"""The station window under Xvfb, typed at with real X key events (xdotool): scanners and people.

A scanner is xdotool typing at 3-8 ms a key, Shift pressed for capitals as a real scanner does;
a person is xdotool at 40-150 ms a key. The window runs in its own process (tests/ui/x_driver.py)
on the xcb platform; the test asks it what is on screen. Each reproduction from issue 15 is here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.bench import STYLE_CODE, add_people, build_bench, settings_for

ROOT = Path(__file__).resolve().parents[2]

WATCH = """\
id: bench-watch
brand: Benchwatch
model: Diver
category: watches
version: 1
patterns: ["WT\\\\d{6}"]
steps:
  - id: serial
    title: Serial number
    instructions: Read the serial between the lugs.
    severity: critical
    photo: none
    value: {kind: serial, label: serial}
  - id: caseback
    title: Caseback
    instructions: Look at the caseback engraving.
    severity: minor
    photo: none
    notes: [Engraving too shallow, Caseback scratched, Wrong font]
"""


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is needed for the X key tests (see .ci/run)")
        pytest.skip(f"{tool} is not installed")


_SHIFTED = {":": "colon", "#": "numbersign", "_": "underscore", "%": "percent", "*": "asterisk",
            "+": "plus", "$": "dollar"}
_PLAIN = {"-": "minus", "/": "slash", ".": "period", " ": "space", ";": "semicolon", "=": "equal"}


def _keysym(char: str) -> str:
    """The keys a US-layout scanner presses for one character: shift+<key> for capitals and symbols."""
    if char.isupper():
        return f"shift+{char.lower()}"
    if char in _SHIFTED:
        return f"shift+{_SHIFTED[char]}"
    return _PLAIN.get(char, char)


class XStation:
    """The window's process, its display and the commands the test sends it."""

    def __init__(self, root: Path) -> None:
        _need("Xvfb")
        _need("xdotool")
        read_end, write_end = os.pipe()
        self.xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1366x768x24",
                                      "-nolisten", "tcp"], pass_fds=(write_end,), stderr=subprocess.DEVNULL)
        os.close(write_end)
        with os.fdopen(read_end) as pipe:
            self.display = f":{pipe.readline().strip()}"
        env = build_bench(root)
        (root / "checklists" / "benchwatch").mkdir(parents=True, exist_ok=True)
        (root / "checklists" / "benchwatch" / "diver.yaml").write_text(WATCH)
        from inspector.services.station import open_station

        station = open_station(settings_for(env))
        add_people(station)
        station.close()
        self.env = {**os.environ, **env, "DISPLAY": self.display, "QT_QPA_PLATFORM": "xcb"}
        self.process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "ui" / "x_driver.py")],
                                        env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, cwd=ROOT)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.strip() == "READY", f"the window did not start: {line!r}"

    def ask(self, op: str, **args: Any) -> Any:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        assert "error" not in reply, reply["error"]
        return reply["ok"]

    def state(self) -> dict[str, Any]:
        return self.ask("state")

    def wait(self, check: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> dict[str, Any]:
        """The state once check(state) holds and no key is held back by the scan detector."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.state()
            if check(current) and not current["holding"] and not current["recording"]:
                return current
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; the window shows {current}")
            time.sleep(0.05)

    def settle(self) -> dict[str, Any]:
        """Let held keys go out and the event queue drain, then the state."""
        time.sleep(0.3)
        return self.wait(lambda _s: True)

    def xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], env=self.env, check=True, timeout=60)

    def scan(self, code: str, delay_ms: int = 5) -> None:
        """A keyboard-wedge scanner: the code at delay_ms a key (Shift for capitals), then Enter."""
        self.ask("focus_window")
        # One xdotool run: Enter follows the code at once, as from a scanner; Shift held per capital.
        self.xdotool("key", "--delay", str(delay_ms), *[_keysym(char) for char in code], "Return")

    def type(self, text: str, delay_ms: int) -> None:
        """A person typing."""
        self.ask("focus_window")
        self.xdotool("type", "--delay", str(delay_ms), text)

    def close(self) -> None:
        try:
            self.ask("quit")
            self.process.wait(timeout=20)
        except Exception:
            self.process.kill()
            self.process.wait(timeout=20)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        self.xvfb.terminate()
        self.xvfb.wait(timeout=10)


@pytest.fixture(scope="module")
def x(tmp_path_factory: pytest.TempPathFactory) -> Iterator[XStation]:
    station = XStation(tmp_path_factory.mktemp("xbench"))
    yield station
    station.close()


@pytest.fixture
def home(x: XStation) -> XStation:
    """Each test starts on the bench page with nothing scanned and no dialog open."""
    while x.state()["modal"]:
        x.ask("close_modal")
    x.ask("home")
    x.ask("clear_scans")
    x.wait(lambda s: s["page"] == "HomePage")
    return x


def test_a_scan_with_shift_for_capitals_opens_exactly_that_item(home: XStation) -> None:
    home.ask("focus", widget="home")
    home.scan("SX-4821337")
    # No checklist matches it: the chooser asks (once the background look-up says so).
    shown = home.wait(lambda s: bool(s["scans"]) and s["modal"] == "ChecklistChooser")
    assert shown["scans"] == ["SX-4821337"]
    assert shown["home_code"] == ""  # no 'S' left behind in the field


def test_a_scan_into_the_code_field_arrives_whole(home: XStation) -> None:
    home.ask("focus", widget="home")
    home.scan("AB12CD34", delay_ms=8)
    shown = home.wait(lambda s: bool(s["scans"]))
    assert shown["scans"] == ["AB12CD34"] and shown["home_code"] == ""


def test_a_person_typing_an_item_code_is_not_a_scan(home: XStation) -> None:
    home.ask("focus", widget="home")
    home.type("BR1000-777", delay_ms=40)
    shown = home.settle()
    assert shown["home_code"] == "BR1000-777" and shown["scans"] == []


def _open_watch(x: XStation, code: str) -> dict[str, Any]:
    x.ask("open", code=code)
    return x.wait(lambda s: s["page"] == "InspectionPage" and s["item"] == code and s["step"] == "serial")


def test_a_serial_scanned_on_a_value_step_is_stored_exactly(home: XStation) -> None:
    _open_watch(home, "WT000101")
    home.scan("7X3K9142")
    shown = home.wait(lambda s: s["value"] == "7X3K9142")
    assert shown["results"] == {}  # the scan is the value; recording is the authenticator's choice


def test_a_scan_on_a_critical_serial_step_fires_no_shortcut(home: XStation) -> None:
    _open_watch(home, "WT000102")
    home.ask("focus", widget="page")  # not even in the field: P must not pass the step
    home.scan("PQ123456", delay_ms=3)
    shown = home.settle()
    assert shown["results"] == {}  # nothing recorded, no PASS on a critical step
    assert shown["value"] == "PQ123456" and shown["step"] == "serial", shown


def test_a_note_typed_at_40_ms_keeps_every_character(home: XStation) -> None:
    _open_watch(home, "WT000103")
    home.ask("go_to", step="caseback")
    home.ask("focus", widget="note")
    note = "tom left engraving shallow, font Upper and lower"
    home.type(note, delay_ms=40)
    shown = home.settle()
    assert shown["note"] == note
    assert shown["scans"] == [] and shown["modal"] is None  # not taken for a scan
    assert shown["results"] == {}


def test_a_person_at_150_ms_types_one_letter_keys(home: XStation) -> None:
    _open_watch(home, "WT000104")
    home.ask("go_to", step="caseback")
    home.ask("focus", widget="page")
    home.type("p", delay_ms=150)  # P outside any field passes the minor step
    shown = home.wait(lambda s: s["results"].get("caseback") == "pass")
    assert shown["scans"] == []


def test_a_scan_while_settings_are_open_changes_nothing(home: XStation) -> None:
    home.ask("settings")
    home.wait(lambda s: s["modal"] == "SettingsDialog")
    before = home.state()["settings_station"]
    home.scan("SX-9999999")
    shown = home.wait(lambda s: s["refused"] is not None)
    assert "SX-9999999" in shown["refused"] and "not used" in shown["refused"]
    assert shown["station_name"] != "" and shown["settings_station"] == before
    assert shown["scans"] == ["SX-9999999"]
    home.ask("close_modal")  # the sentence; then Enter in the settings would save: nothing changed
    shown = home.wait(lambda s: s["modal"] == "SettingsDialog")
    assert shown["settings_station"] == before


def test_a_style_code_scanned_into_the_chooser_fills_it(home: XStation) -> None:
    home.ask("open", code="UNKNOWN-1")
    home.wait(lambda s: s["modal"] == "ChecklistChooser")
    home.scan(STYLE_CODE)
    shown = home.wait(lambda s: s["chooser_style"] == STYLE_CODE)
    assert shown["page"] == "HomePage"


def test_a_certificate_url_is_verified_not_opened(home: XStation) -> None:
    code = "https://verify.example.org/#INS1:" + "ABCDEFGH1234" * 4
    home.ask("focus", widget="home")
    home.scan(code, delay_ms=3)
    shown = home.wait(lambda s: s["verify_open"])
    assert shown["verify_code"] == code and shown["page"] == "HomePage" and shown["home_code"] == ""


def test_the_first_letter_after_u_goes_into_the_note(home: XStation) -> None:
    _open_watch(home, "WT000105")
    home.ask("go_to", step="caseback")
    home.ask("focus", widget="page")
    home.type("uscratched caseback", delay_ms=40)  # U, then the note at once
    shown = home.settle()
    assert shown["note"] == "scratched caseback" and shown["results"] == {}


def test_typing_on_a_value_step_goes_into_the_value_not_shortcuts(home: XStation) -> None:
    shown = _open_watch(home, "WT000106")
    assert shown["focus"] == "value"  # no click needed
    home.type("cn42", delay_ms=100)  # C (capture) and N (next step) are letters of the value here
    shown = home.settle()
    assert shown["value"] == "cn42" and shown["step"] == "serial" and shown["results"] == {}


def test_enter_in_the_value_field_records_the_step(home: XStation) -> None:
    _open_watch(home, "WT000107")
    home.type("SN778812", delay_ms=60)
    home.xdotool("key", "Return")
    shown = home.wait(lambda s: s["results"].get("serial") == "pass")
    assert shown["step"] == "caseback"  # on to the next step


def test_keys_1_to_9_in_the_note_write_the_canned_notes(home: XStation) -> None:
    _open_watch(home, "WT000120")
    home.ask("go_to", step="caseback")
    home.ask("focus", widget="note")
    home.type("13 at 2 lugs", delay_ms=60)  # two canned notes, then the person's own words
    shown = home.settle()
    assert shown["note"] == "Engraving too shallow; Wrong font at 2 lugs"  # the typed 2 stays a 2
    assert shown["results"] == {} and shown["scans"] == [] and shown["modal"] is None
