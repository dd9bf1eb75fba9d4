"""`inspector` with no arguments: the station window, wired to the real services."""

from __future__ import annotations

import sys

from inspector.errors import InspectorError


def records_unavailable_message(exc: BaseException) -> str:
    """One sentence for a database that cannot be opened (driver messages run to many lines)."""
    lines = [line.strip() for line in str(getattr(exc, "orig", None) or exc).splitlines() if line.strip()]
    reason = (lines[0] if lines else type(exc).__name__).rstrip(".")
    if len(reason) > 160:
        reason = reason[:157] + "…"
    return f"The station could not open its records ({reason}); check the database setting and try again."


# Modules that add pages for some roles: each has `register(window)` calling window.add_page(...).
PAGE_MODULES = ("inspector.ui.desk",)


def add_role_pages(window: object) -> None:
    """Let each page module that is installed add its pages (the supervisor desk, ...)."""
    import importlib

    for name in PAGE_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        register = getattr(module, "register", None)
        if callable(register):
            try:
                register(window)
            except Exception as exc:  # a broken extra page must not keep the bench from inspecting
                print(f"inspector: the {name} pages could not be added ({exc}).", file=sys.stderr)


def attach_certificates(services: object) -> None:
    """Issue certificates on finish and print them from the window, when that module is installed."""
    try:
        from inspector.services.certificates import attach
    except ImportError:
        return
    attach(services)


def run_station(argv: list[str] | None = None) -> int:
    """Build the application, open the station's services and show the window; the exit code."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QMessageBox

    from inspector.config import load_settings
    from inspector.services.station import open_station
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
    except InspectorError as exc:
        QMessageBox.critical(None, "Inspector", str(exc))
        return exc.exit_code
    except Exception as exc:  # a database that cannot be opened or migrated: one sentence, no traceback
        QMessageBox.critical(None, "Inspector", records_unavailable_message(exc))
        return 1
    attach_certificates(services)
    window = MainWindow(services)
    add_role_pages(window)
    window.show_as_remembered()
    try:
        return app.exec()
    finally:
        services.close()
