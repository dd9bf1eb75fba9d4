"""Run `inspector ...` in a child process and learn what it cost: exit code, stderr, peak memory, time."""

from __future__ import annotations

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
            "peak = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
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
