"""`inspector` with no arguments: the station window, wired to the real services."""

from __future__ import annotations

import sys
import traceback

from inspector.errors import InspectorError
from inspector.services.certificates import attach
from inspector.services.station import StationServices


def attach_certificates(services: StationServices) -> None:
    """Issue certificates on finish and print them from the window."""
    attach(services)


def run_station(argv: list[str] | None = None) -> int:
    """Build the application, open the station's services and show the window; the exit code."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    from inspector.config import load_settings
    from inspector.services.station import open_station
    from inspector.ui import desk, references
    from inspector.ui.main_window import MainWindow
    from inspector.ui.theme import apply_theme, follow_system_theme

    # High-DPI: Qt 6 scales by default; pass fractional factors through so 150 % screens stay sharp.
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Inspector")
    app.setOrganizationName("inspector")
    apply_theme(app)
    follow_system_theme(app)
    try:
        services = open_station(load_settings())
    except InspectorError as exc:  # storage errors are already one sentence (storage/db_errors.py)
        QMessageBox.critical(None, "Inspector", str(exc))
        return exc.exit_code
    except Exception as exc:  # a bug, not a user's mistake: say so, and keep the details for a report
        traceback.print_exc()
        QMessageBox.critical(None, "Inspector", f"The station could not start because of a program error "
                             f"({type(exc).__name__}); the details are printed in its terminal.")
        return 1
    attach_certificates(services)
    from inspector.services.checkpoint_schedule import CheckpointTimer

    CheckpointTimer(services.ctx).start()  # signed checkpoints of the audit log, on a schedule
    window = MainWindow(services)
    desk.register(window)
    references.register(window)
    window.show_as_remembered()
    try:
        return app.exec()
    finally:
        services.close()
