"""Refusing a known badge and an unknown one: wall and CPU time, interleaved in one process.

    uv run python benchmarks/login_timing.py [--rounds 40] [--database-url postgresql+psycopg://...]

Each round refuses a wrong PIN for a known badge and for an unknown one (order alternating); a good
login every 4 rounds (not timed) keeps the known badge below the lockout. Prints medians and the
unknown/known ratio: the issue asks for refusals that do not tell which badges exist (within 10%).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--database-url", help="default: a SQLite file in a fresh data folder")
    args = parser.parse_args()
    os.environ["INSPECTOR_HOME"] = tempfile.mkdtemp(prefix="login-timing-")
    if args.database_url:
        os.environ["INSPECTOR_DATABASE_URL"] = args.database_url

    from inspector.config import load_settings
    from inspector.errors import PermissionDenied
    from inspector.security.roles import Role
    from inspector.services.station import open_station

    station = open_station(load_settings())
    users = station.users
    if not users.has_users():
        users.create_first_admin("Ada", "9999", "B-9")
    admin = users.login("B-9", "9999")
    users.create_user(admin, f"Timing {os.getpid()}", "1234", Role.AUTHENTICATOR, f"T-{os.getpid()}")
    known_badge = f"T-{os.getpid()}"
    wall: dict[str, list[float]] = {"known": [], "unknown": []}
    cpu: dict[str, list[float]] = {"known": [], "unknown": []}
    for attempt in range(args.rounds):
        order = [("known", known_badge), ("unknown", "NO-SUCH-BADGE")]
        for kind, badge in order if attempt % 2 else order[::-1]:
            started, started_cpu = time.perf_counter(), time.thread_time()
            with contextlib.suppress(PermissionDenied):
                users.login(badge, "0000")
            wall[kind].append(time.perf_counter() - started)
            cpu[kind].append(time.thread_time() - started_cpu)
        if attempt % 4 == 3:
            users.login(known_badge, "1234")
    station.close()
    print(f"{station.ctx.db.dialect}, {args.rounds} refusals of each, load {os.getloadavg()[0]:.1f}")
    for label, times in (("wall", wall), ("cpu", cpu)):
        known, unknown = statistics.median(times["known"]), statistics.median(times["unknown"])
        print(f"  {label:<5} known {known * 1000:7.1f} ms   unknown {unknown * 1000:7.1f} ms   "
              f"unknown/known {unknown / known:.3f}")


if __name__ == "__main__":
    main()
