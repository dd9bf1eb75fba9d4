"""A throwaway CUPS server for the test run: cupsd from Debian's `cups` with its own configuration,
spool and logs in a tmp folder, listening on its own socket, with a cups-pdf queue.

The cups-pdf backend (Debian's `printer-driver-cups-pdf`) is installed root-only (mode 0700), so
cupsd only runs it as root: as another user the server is skipped (CI, which runs as root, fails
instead). cups-pdf writes each job to the Out folder of /etc/cups/cups-pdf.conf (Debian:
${HOME}/PDF of the user who printed) as "<title>-job_<id>.pdf"; `printed_file` finds a job's file
by its unique title and job id, and the server removes the files it made when it stops.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CUPSD = Path("/usr/sbin/cupsd")
BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")
QUEUE = "inspector-pdf"


def missing() -> str | None:
    """Why a test CUPS server cannot run here, or None."""
    needed = ((CUPSD, "cups"), (BACKEND, "printer-driver-cups-pdf"), (PPD, "printer-driver-cups-pdf"))
    for path, package in needed:
        if not path.exists():
            return f"no {path} (apt-get install {package})"
    for program in ("lp", "lpadmin", "lpstat"):
        if shutil.which(program) is None:
            return f"no {program} (apt-get install cups-client)"
    if os.geteuid() != 0:
        return "cups-pdf runs only under a root cupsd (its backend is mode 0700)"
    return None


def output_folder() -> Path:
    """Where cups-pdf writes: its Out setting, ${HOME} being the printing user's home."""
    out = "${HOME}/PDF"
    try:
        for line in CUPS_PDF_CONF.read_text().splitlines():
            parts = line.split(None, 1)
            if len(parts) == 2 and parts[0] == "Out":
                out = parts[1].strip()
    except OSError:
        pass
    home = pwd.getpwuid(os.geteuid()).pw_dir
    return Path(out.replace("${HOME}", home))


@dataclass
class CupsServer:
    root: Path
    process: subprocess.Popen[bytes] | None = None
    made: list[Path] = field(default_factory=list)

    @property
    def socket(self) -> Path:
        return self.root / "cups.sock"

    @property
    def env(self) -> dict[str, str]:
        return {"CUPS_SERVER": str(self.socket)}

    def start(self) -> None:
        etc = self.root / "etc"
        for name in ("etc", "spool", "cache", "state", "log", "tmp"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        (self.root / "tmp").chmod(0o1777)  # filters run as the lp user and write temporary files here
        (etc / "cups-files.conf").write_text(
            f"ServerRoot {etc}\nRequestRoot {self.root / 'spool'}\nTempDir {self.root / 'tmp'}\n"
            f"CacheDir {self.root / 'cache'}\nStateDir {self.root / 'state'}\n"
            f"AccessLog {self.root / 'log/access_log'}\nErrorLog {self.root / 'log/error_log'}\n"
            f"PageLog {self.root / 'log/page_log'}\nSystemGroup root\nUser lp\nGroup lp\n"
        )
        (etc / "cupsd.conf").write_text(
            f"Listen {self.socket}\nLogLevel info\nWebInterface No\nBrowsing Off\nPrintcap\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        )
        self.process = subprocess.Popen(
            [str(CUPSD), "-f", "-c", str(etc / "cupsd.conf"), "-s", str(etc / "cups-files.conf")],
            # cupsd -f logs to error_log; a pipe nobody reads would fill, block it and stay open.
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while not self.socket.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"cupsd did not start: {self.log()[-2000:]}")
            time.sleep(0.05)
        self.run("lpadmin", "-p", QUEUE, "-E", "-v", "cups-pdf:/", "-P", str(PPD))
        self.run("lpadmin", "-d", QUEUE)

    def run(self, *arguments: str) -> str:
        done = subprocess.run(list(arguments), env={**os.environ, **self.env}, capture_output=True,
                              timeout=30, check=True)
        return done.stdout.decode()

    def log(self) -> str:
        try:
            return (self.root / "log" / "error_log").read_text(errors="replace")
        except OSError:
            return ""

    def printed_file(self, title: str, job: str, timeout: float = 60.0) -> Path:
        """The PDF cups-pdf wrote for the job (job "inspector-pdf-7" -> "...-job_7.pdf"), once complete."""
        number = job.rsplit("-", 1)[-1]
        folder = output_folder()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [p for p in folder.glob(f"*job_{number}.pdf") if title.replace(" ", "_") in p.name
                     or title in p.name]
            if found:
                path = found[0]
                if path not in self.made:
                    self.made.append(path)
                done = self.run("lpstat", "-W", "completed", "-o", QUEUE)
                if f"{QUEUE}-{number} " in done + " " and path.stat().st_size > 0:
                    return path
            time.sleep(0.1)
        raise AssertionError(f"CUPS wrote no file for job {job} in {folder}: {self.log()[-3000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for path in self.made:
            path.unlink(missing_ok=True)
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> CupsServer:
    server = CupsServer(Path(tempfile.mkdtemp(prefix="inspector-cups-")))
    try:
        server.start()
    except Exception:
        server.stop()
        raise
    return server
