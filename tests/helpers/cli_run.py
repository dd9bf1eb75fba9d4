"""Run `inspector ...` in a child process and learn what it cost: exit code, stderr, peak memory, time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The child reports its own peak resident memory after main() returns, on a last stderr line. VmHWM, not
# getrusage's ru_maxrss: Linux carries the parent's resident size at fork into the child's ru_maxrss,
# so a test holding a big file in memory would be charged to the command it runs.
_WRAPPER = ("import sys\n"
            "from inspector.cli.main import main\n"
            "code = main(sys.argv[1:])\n"
            "with open('/proc/self/status') as status:\n"
            "    peak = [l.split()[1] for l in status if l.startswith('VmHWM:')][0]\n"
            "sys.stderr.write('\\nPEAK_KB %s\\n' % peak)\n"
            "sys.exit(code)\n")


@dataclass(frozen=True)
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float


def run_cli(home: Path, *args: str, timeout: float = 60, database_url: str | None = None) -> CliRun:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_")}
    env["INSPECTOR_HOME"] = str(home)
    if database_url:
        env["INSPECTOR_DATABASE_URL"] = database_url
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", _WRAPPER, *args], capture_output=True, text=True,
                            env=env, cwd=REPO, timeout=timeout)
    seconds = time.monotonic() - started
    lines = result.stderr.rstrip("\n").split("\n")
    peak_kb = float(lines[-1].split()[1]) if lines and lines[-1].startswith("PEAK_KB") else float("nan")
    stderr = "\n".join(lines[:-1]).strip() if lines and lines[-1].startswith("PEAK_KB") else result.stderr
    return CliRun(result.returncode, result.stdout, stderr, peak_kb / 1024, seconds)


# Many commands in one child: each one's peak is measured from a reset high-water mark (writing 5 to
# /proc/self/clear_refs sets VmHWM back to the current resident size), its time as the CPU seconds it
# used (all threads): what a hostile file costs, not how busy the machine is (wall time at load 12
# varied 6-28 s for the same PDF). One interpreter start instead of one a command (~20 before).
_BATCH = ("import contextlib, gc, io, json, sys, time, traceback\n"
          "from inspector.cli.main import main\n"
          "def peak_kb():\n"
          "    with open('/proc/self/status') as status:\n"
          "        return int([l.split()[1] for l in status if l.startswith('VmHWM:')][0])\n"
          "results = []\n"
          "for argv in json.loads(sys.argv[1]):\n"
          "    gc.collect()\n"
          "    with open('/proc/self/clear_refs', 'w') as reset:\n"
          "        reset.write('5')\n"
          "    out, err = io.StringIO(), io.StringIO()\n"
          "    started = time.process_time()\n"
          "    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):\n"
          "        try:\n"
          "            code = main(argv)\n"
          "        except BaseException:\n"
          "            traceback.print_exc()\n"
          "            code = -1\n"
          "    seconds = time.process_time() - started\n"
          "    results.append([code, out.getvalue(), err.getvalue(), peak_kb(), seconds])\n"
          "sys.stdout.write(json.dumps(results))\n")


def run_cli_batch(home: Path, commands: list[list[str]], timeout: float = 300) -> list[CliRun]:
    """Each command run by main() in turn in one child process: exit code, output, peak memory and CPU
    seconds of each on its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_")}
    env["INSPECTOR_HOME"] = str(home)
    result = subprocess.run([sys.executable, "-c", _BATCH, json.dumps(commands)], capture_output=True,
                            text=True, env=env, cwd=REPO, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return [CliRun(code, out, err.strip(), peak_kb / 1024, seconds)
            for code, out, err, peak_kb, seconds in json.loads(result.stdout)]
