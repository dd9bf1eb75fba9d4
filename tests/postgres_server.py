"""A throwaway PostgreSQL server on loopback for the test run: initdb in a tmp folder, stopped at the end."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

SERVICE_USER = "postgres"


def find_bin_dir() -> Path | None:
    """The newest Debian PostgreSQL server binaries, or whatever `initdb`/`postgres` is on PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0)
    for folder in reversed(candidates):
        if (Path(folder) / "postgres").exists() and (Path(folder) / "initdb").exists():
            return Path(folder)
    on_path = shutil.which("postgres")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """One running server; `create_database()` gives each test its own empty database."""

    bin_dir: Path
    root: Path
    port: int = 0
    user: str = SERVICE_USER
    process: subprocess.Popen[bytes] | None = None
    # As root, initdb and postgres refuse to run: start them as the service user (setuid in the child).
    _switch: dict[str, object] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def start(self) -> None:
        """initdb (once) and start; as root both run as the `postgres` user, as the files demand."""
        if os.geteuid() == 0:
            try:
                service = pwd.getpwnam(SERVICE_USER)
            except KeyError as exc:
                raise RuntimeError("running as root needs a 'postgres' user to run the server") from exc
            os.chown(self.root, service.pw_uid, service.pw_gid)
            self._switch = {"user": service.pw_uid, "group": service.pw_gid, "extra_groups": [],
                            "env": {**os.environ, "HOME": str(self.root)}}
            self.user = SERVICE_USER
        else:
            self._switch = {}
            self.user = pwd.getpwuid(os.geteuid()).pw_name
        if not (self.data_dir / "PG_VERSION").exists():
            self._as_service([str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", self.user,
                              "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"])
            self._as_service(["mkdir", "-p", str(self.socket_dir)])
        self.port = self.port or _free_port()
        # Small, fast settings for tests; fsync stays on for the crash tests that rely on it.
        options = ["-D", str(self.data_dir), "-p", str(self.port), "-h", "127.0.0.1",
                   "-k", str(self.socket_dir), "-c", "max_connections=200",
                   "-c", "shared_buffers=64MB", "-c", "synchronous_commit=on",
                   "-c", "log_min_messages=warning"]
        log = self.log_file.open("ab")
        self.process = subprocess.Popen([str(self.bin_dir / "postgres"), *options], cwd=self.root,
                                        stdout=log, stderr=subprocess.STDOUT, **self._switch)  # type: ignore[call-overload]
        log.close()
        self._wait_ready()

    def _as_service(self, args: list[str]) -> None:
        result = subprocess.run(args, capture_output=True, text=True, cwd=self.root,
                                **self._switch)  # type: ignore[call-overload]
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {result.stderr.strip() or result.stdout.strip()}")

    def _wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"postgres exited at start:\n{self._log_tail()}")
            try:
                with psycopg.connect(self.dsn("postgres"), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError(f"postgres did not accept connections in {timeout:.0f} s:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return "(no log)"

    def stop(self, *, fast: bool = True) -> None:
        """Stop the server: fast shutdown (SIGINT) waits for nothing; every client is cut off."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(2 if fast else 15)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def dsn(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={self.user} dbname={database}"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "t") -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def terminate_backends(self, url: str) -> int:
        """Kill every other connection to the database in `url`: a network cut seen from the station."""
        database = url.rsplit("/", 1)[1]
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as connection:
            rows = connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()", (database,)).fetchall()
        return len(rows)


def start_server() -> PostgresServer:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise FileNotFoundError("no PostgreSQL server binary (initdb/postgres) found")
    root = Path(tempfile.mkdtemp(prefix="inspector-pg-"))
    os.chmod(root, 0o755)
    server = PostgresServer(bin_dir=bin_dir, root=root)
    server.start()
    return server


def remove_server(server: PostgresServer) -> None:
    """Immediate shutdown (SIGQUIT): the files are deleted next, and a fast shutdown's final
    checkpoint flushed every test database first (30 s at the end of each test worker)."""
    if server.process is not None and server.process.poll() is None:
        server.process.send_signal(signal.SIGQUIT)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    server.process = None
    shutil.rmtree(server.root, ignore_errors=True)
