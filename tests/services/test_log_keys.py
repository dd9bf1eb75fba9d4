"""Events from several stations, each with its own key: registered keys verify, unknown ones do not."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from inspector.config import Settings
from inspector.services.integrity import verify_integrity
from inspector.services.station import StationServices, open_station


def test_a_second_stations_events_verify_and_its_pending_key_is_named(
        services: StationServices, test_settings: Settings, tmp_path: Path) -> None:
    services.users.create_first_admin("Ada", "9999", "B-9")
    home = tmp_path / "bench-2"
    other_settings = test_settings.with_changes(home=home, keys_dir=home / "keys", station_name="bench-2")
    other = open_station(other_settings)
    try:
        admin = other.users.login("B-9", "9999")
        other.users.create_user(admin, "Alex", "1234", "authenticator", "B-1")
        with other.ctx.db.engine.connect() as connection:
            kid = connection.execute(
                text("SELECT kid FROM signing_keys WHERE station = 'bench-2'")).scalar_one()
    finally:
        other.close()
    report = verify_integrity(services.ctx)
    assert report.ok, report.lines()
    assert any(f"station bench-2's key {kid}, registered in the log but not approved" in line
               for line in report.lines())
    # The same events, seen by a computer that knows no station key of this deployment's log:
    with services.ctx.db.engine.begin() as conn:
        if services.ctx.db.dialect == "postgresql":  # the insider with the owner's role
            conn.execute(text("DROP TRIGGER IF EXISTS signing_keys_append_only ON signing_keys"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS signing_keys_no_delete"))
        conn.execute(text("DELETE FROM signing_keys WHERE station = 'bench-2'"))
    report = verify_integrity(services.ctx)
    assert not report.ok
    assert any(f"is signed by key {kid}, which this computer does not trust" in problem
               for problem in report.log_problems)
