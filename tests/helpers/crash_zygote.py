"""A Python with the station's code already imported, that forks one `inspector` command per request.

The crash tests kill a command at its Nth write (strace's syscall injection). Starting Python and
importing the station took most of each of those runs (4-6 s under load, ~30 runs a test); a forked
child of this process starts at once. The child stops itself before it runs anything, so the test
can attach strace (`strace -p`) first and count the same syscalls in every run; then the test
continues it (SIGCONT), and it runs `main(args)` exactly as `python -m inspector.cli.main` would.

Protocol, one JSON line each way: {"run": [root, env, args]} -> {"pid": N} (the child, stopped);
{"wait": N} -> {"status": exit code, or -signal}.
"""

from __future__ import annotations

import json
import os
import signal
import sys

# What the commands import lazily, imported once here (a child would read it from disk each run).
import inspector.printing.certificate_pdf
import inspector.services.station  # noqa: F401
from inspector.cli.main import main


def _child(root: str, env: dict[str, str], args: list[str]) -> None:
    for name in [name for name in os.environ if name.startswith("INSPECTOR_")]:
        del os.environ[name]
    os.environ.update(env)
    os.chdir(root)
    with open(os.path.join(root, "..", os.path.basename(root) + ".output"), "wb") as output:
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.kill(os.getpid(), signal.SIGSTOP)  # the test attaches strace, then continues us
    # As `python -m inspector.cli.main` ends: SystemExit, so the interpreter's shutdown waits for
    # non-daemon threads (the checkpoint written after a certificate) and flushes as it would.
    sys.exit(main(args))


def serve() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        if "run" in request:
            root, env, args = request["run"]
            pid = os.fork()
            if pid == 0:
                _child(root, env, args)
            reply = {"pid": pid}
        else:
            _, status = os.waitpid(request["wait"], 0)
            reply = {"status": -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
