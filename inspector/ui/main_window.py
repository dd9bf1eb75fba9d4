"""The station window: a header, one page at a time, scans caught anywhere, pages added per role.

Adding a page for some roles (the supervisor desk does this):

    window.add_page("Desk", DeskWidget(window.services), roles={"supervisor", "admin"})

The page gets a button in the header, shown only while someone with one of those roles is
logged in. A page may define `on_shown(actor)` (called each time it is opened) and
`on_code_scanned(code)` (receives scans while it is on screen). A package of pages exposes
`register(window)`, which inspector.app calls at start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector.config import save_settings
from inspector.security.roles import Actor
from inspector.services.inspections import NeedsChecklist
from inspector.services.station import StationServices
from inspector.services.views import InspectionDetail
from inspector.ui.background import QueryOp, run_in_background, running_jobs, wait_for_background
from inspector.ui.dialogs import ChecklistChooser, ShortcutSheet
from inspector.ui.finish import FinishPage
from inspector.ui.first_run import FirstRunPage
from inspector.ui.home import HomePage
from inspector.ui.inspection.page import InspectionPage
from inspector.ui.login import LoginPage
from inspector.ui.scanner import ScanDetector, refuse_scan, shorten
from inspector.ui.settings_dialog import SettingsDialog
from inspector.ui.verify_dialog import VerifyDialog, is_certificate_code
from inspector.ui.widgets import message_for, show_error

CLOSE_ROUNDS = 4  # a photo saved, then compared, then shown: a few rounds of answers at most


@dataclass
class _RolePage:
    title: str
    widget: QWidget
    roles: frozenset[str]
    button: QPushButton


class MainWindow(QMainWindow):
    inspection_opened = Signal(int, bool)  # inspection id, resumed
    start_shown = Signal()  # the start page is settled: first run, or login (with the demo people)

    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.actor: Actor | None = None
        # Set when the window closes: a background read that finishes afterwards opens nothing
        # (it would start a camera thread on a closed window, which aborts the process at exit).
        self._closed = False
        self._start_reads = 0  # show_start's background reads; only the latest one counts
        self.setWindowTitle("Inspector")
        self.setMinimumSize(960, 640)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._build_header())
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.first_run = FirstRunPage(services)
        self.login = LoginPage(services)
        self.home = HomePage(services)
        self.inspection = InspectionPage(services)
        self.finish = FinishPage(services)
        for page in (self.first_run, self.login, self.home, self.inspection, self.finish):
            self.stack.addWidget(page)
        self.first_run.admin_created.connect(self._on_admin_created)
        self.first_run.demo_seeded.connect(self._on_demo_seeded)
        self.login.logged_in.connect(self._on_logged_in)
        self.home.open_requested.connect(self.open_item)
        self.home.resume_requested.connect(self.resume)
        self.inspection.summary_requested.connect(self._on_summary_requested)
        self.inspection.other_item_scanned.connect(self._on_other_item_scanned)
        self.finish.back_requested.connect(lambda: self._show(self.inspection))
        self.finish.shown.connect(lambda _id: self._show(self.finish))
        self.finish.next_item_requested.connect(self.show_home)

        self._role_pages: list[_RolePage] = []
        self.last_scan = ""
        self.close_without_asking = False  # tests and the kill driver close without the question
        self.scanner = ScanDetector(self, prefix=services.ctx.settings.scanner_prefix,
                                    suffix=services.ctx.settings.scanner_suffix)
        # Queued: a scan may open a dialog with its own event loop; not from inside the key filter.
        self.scanner.code_scanned.connect(self._on_code_scanned, Qt.ConnectionType.QueuedConnection)
        self.scanner.install()
        QShortcut(QKeySequence("Ctrl+,"), self, self.open_settings)
        QShortcut(QKeySequence("F1"), self, lambda: ShortcutSheet(self).exec())
        QShortcut(QKeySequence("Ctrl+Shift+V"), self, self.open_verify)
        self.verify_dialog: VerifyDialog | None = None
        self._window_state = QSettings(str(services.ctx.settings.home / "window.ini"),
                                       QSettings.Format.IniFormat)
        self._restore_geometry()
        self.show_start()

    # --- header and pages ---------------------------------------------------------------

    def _build_header(self) -> QWidget:
        header = QWidget()
        header.setObjectName("header")
        header.setStyleSheet("#header { border-bottom: 1px solid palette(mid); }")
        row = QHBoxLayout(header)
        row.setContentsMargins(12, 6, 12, 6)
        self.station_label = QLabel()
        self.station_label.setStyleSheet("font-weight: bold; font-size: 13pt;")
        self.user_label = QLabel()
        row.addWidget(self.station_label)
        row.addStretch(1)
        row.addWidget(self.user_label)
        self.nav_row = QHBoxLayout()
        row.addLayout(self.nav_row)
        self.bench_button = self._header_button("Bench", self.show_home)
        self.settings_button = self._header_button("Settings", self.open_settings)
        self.verify_button = self._header_button("Verify", self.open_verify)
        self.help_button = self._header_button("Keys (F1)", lambda: ShortcutSheet(self).exec())
        self.logout_button = self._header_button("Log out", self.log_out)
        for button in (self.bench_button, self.verify_button, self.settings_button, self.help_button,
                       self.logout_button):
            row.addWidget(button)
        return header

    def _header_button(self, text: str, slot: Callable[..., object]) -> QPushButton:
        button = QPushButton(text)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    def add_page(self, title: str, widget: QWidget, roles: Iterable[str]) -> None:
        """Add a page reachable from the header by users with one of `roles` (see module doc)."""
        button = self._header_button(title, lambda: self.show_page(widget))
        self.nav_row.addWidget(button)
        self.stack.addWidget(widget)
        self._role_pages.append(_RolePage(title, widget, frozenset(str(r) for r in roles), button))
        self._update_header()

    def show_page(self, widget: QWidget) -> None:
        if hasattr(widget, "on_shown") and self.actor is not None:
            widget.on_shown(self.actor)
        self._show(widget)

    def _show(self, widget: QWidget) -> None:
        self.stack.setCurrentWidget(widget)
        if widget is self.inspection:
            self.inspection.focus_step()
        else:
            widget.setFocus()

    def _update_header(self) -> None:
        settings = self.services.ctx.settings
        self.station_label.setText(f"Inspector · {settings.station_name}")
        actor = self.actor
        self.user_label.setText(f"{actor.name} ({actor.role})  " if actor else "")
        for button in (self.bench_button, self.logout_button):
            button.setVisible(actor is not None)
        for page in self._role_pages:
            page.button.setVisible(actor is not None and str(actor.role) in page.roles)

    # --- start, login, logout -----------------------------------------------------------

    def show_start(self) -> None:
        """The login page at once; whether this is a first start (no users yet) or a demo station is
        read in the background (the database may be far away), then first run or the demo people."""
        self.actor = None
        self._update_header()
        self.login.reset()
        self._show(self.login)
        self._start_reads += 1
        serial, users = self._start_reads, self.services.users

        def found(answer: tuple[bool, bool]) -> None:
            if self._closed or self.actor is not None or serial != self._start_reads:
                return  # logged in, closed or started again meanwhile
            has_users, demo = answer
            if not has_users:
                self._show(self.first_run)
            elif demo:
                self.login.show_demo_people()
            self.start_shown.emit()

        def failed(exc: BaseException) -> None:
            if not self._closed and serial == self._start_reads:
                self.login.banner.show_message(message_for(exc), "error")
                self.start_shown.emit()

        QueryOp(parent=self, op=lambda: (users.has_users(), users.is_demo_station()),
                success=found).failure(failed).run_in_background()

    def _on_admin_created(self, name: str) -> None:
        self.show_start()
        self.login.prefill(name)

    def _on_demo_seeded(self, summary: str) -> None:
        settings = self.services.ctx.settings
        if settings.camera == "0":
            # The demo station is for trying the bench with no hardware: film the references.
            settings = settings.with_changes(camera="demo")
            try:
                save_settings(settings)
            except OSError as exc:
                show_error(self, exc)
            self.services.ctx.settings = settings
            self.inspection.view.apply_settings(settings)
        self.show_start()
        first_line = summary.splitlines()[0] if summary else "demo"
        self.login.banner.show_message(f"Demo ready ({first_line.removeprefix('demo: ')}). "
                                       "Log in as one of the people below.", "info")

    def _on_logged_in(self, actor: Actor) -> None:
        self.actor = actor
        self.inspection.photo_saver.resume_journal(actor)
        self._update_header()
        self.show_home()

    def log_out(self) -> None:
        self.inspection.shut_down()
        if self.actor is not None:
            # Ends the session in the database: the token the window held is refused from now on.
            run_in_background(self.services.users.logout, self.actor)
        self.show_start()

    def show_home(self) -> None:
        if self.actor is None:
            self.show_start()
            return
        self.inspection.shut_down()
        self.home.refresh(self.actor)
        self._show(self.home)
        self.home.code_edit.setFocus()

    # --- items ------------------------------------------------------------------------

    def open_item(self, code: str, style_code: str = "", checklist_id: str | None = None) -> None:
        """Open the item's unfinished inspection or start one (in the background: the database may be
        far away); ask for a checklist if none matches. `inspection_opened` follows."""
        if self.actor is None:
            return
        actor, inspections = self.actor, self.services.inspections

        def start() -> tuple[int, bool, InspectionDetail]:
            started = inspections.start_or_resume(actor, code, style_code=style_code or None,
                                                  checklist_id=checklist_id)
            return started.inspection.id, started.resumed, inspections.detail(actor, started.inspection.id)

        def refused(exc: BaseException) -> None:
            if isinstance(exc, NeedsChecklist) and checklist_id is None:
                self._choose_checklist(code)
            else:
                self._say(exc)

        run_in_background(start, on_result=lambda opened: self._open(actor, *opened), on_error=refused,
                          parent=self)

    def _choose_checklist(self, code: str) -> None:
        chooser = ChecklistChooser(code, self.services.ctx.library.all(), self)
        if not chooser.exec():
            return
        style, chosen = chooser.style_code(), chooser.checklist_id()
        self.open_item(code, style or "", None if style and not chosen else chosen)

    def resume(self, inspection_id: int) -> None:
        if self.actor is None:
            return
        actor, inspections = self.actor, self.services.inspections
        QueryOp(parent=self, op=lambda: inspections.detail(actor, inspection_id),
                success=lambda detail: self._open(actor, inspection_id, True, detail)) \
            .failure(self._say).run_in_background()

    def _open(self, actor: Actor, inspection_id: int, resumed: bool, detail: InspectionDetail) -> None:
        if self._closed or self.actor is None or self.actor.user_id != actor.user_id:
            return  # logged out or closed meanwhile
        self.inspection.open(actor, detail, resumed)
        self._show(self.inspection)
        self.inspection_opened.emit(inspection_id, resumed)
        if resumed and detail.inspection.current_step is None \
                and len(detail.results) == len(detail.checklist.steps):
            self._on_summary_requested(inspection_id)

    def _on_summary_requested(self, inspection_id: int) -> None:
        if self.actor is None:
            return
        self.finish.show_inspection(self.actor, inspection_id)  # the page shows once it is filled

    def _on_other_item_scanned(self, code: str) -> None:
        answer = QMessageBox.question(
            self, "Open another item?",
            f"You scanned {shorten(code)}. Open that item? This inspection is saved and can be resumed.")
        if answer == QMessageBox.StandardButton.Yes:
            self.open_item(code)

    def open_verify(self, code_or_file: str = "") -> VerifyDialog:
        """The verify window (one, reused); checks code_or_file at once when given."""
        if self.verify_dialog is None:
            self.verify_dialog = VerifyDialog(self.services.certificates.verify, self)
        self.verify_dialog.show()
        self.verify_dialog.raise_()
        self.verify_dialog.activateWindow()
        if code_or_file:
            self.verify_dialog.check(code_or_file)
        else:
            self.verify_dialog.code_edit.setFocus()
        return self.verify_dialog

    def _on_code_scanned(self, code: str) -> None:
        """Every scan lands where it belongs in the state the window is in, or is refused in words."""
        self.last_scan = code
        modal = QApplication.activeModalWidget()
        if modal is not None:
            self._scan_into_dialog(modal, code)
            return
        if self.verify_dialog is not None and QApplication.activeWindow() is self.verify_dialog:
            self.verify_dialog.check(code)
            return
        self._route_scan(code)

    def _scan_into_dialog(self, modal: QWidget, code: str) -> None:
        if isinstance(modal, ShortcutSheet):  # the key sheet is only read: close it and go on
            modal.reject()
            QTimer.singleShot(0, lambda: self._route_scan(code))
        elif hasattr(modal, "on_code_scanned"):  # a dialog that takes scans (the checklist chooser)
            modal.on_code_scanned(code)
        elif modal.objectName() == "scanRefused":
            refuse_scan(modal.parentWidget() or modal, f"The scan {shorten(code)} was not used either.")
        else:  # settings, file dialogs, questions: a scan typed into them would change them
            title = modal.windowTitle() or "open"
            refuse_scan(modal, f"The scan {shorten(code)} was not used: close the {title} window first, "
                               "then scan again.")

    def _route_scan(self, code: str) -> None:
        page = self.stack.currentWidget()
        if is_certificate_code(code) and page is not self.first_run:
            # A certificate's QR code is never an item, a badge or a value: check it wherever it is read.
            self.open_verify(code)
            return
        if page is self.login or page is self.first_run:
            if page is self.login:
                self.login.on_badge_scanned(code)
            else:
                self.first_run.badge_edit.setText(code)
        elif page is self.inspection:
            self.inspection.on_code_scanned(code)
        elif page in (self.home, self.finish):
            self.open_item(code)
        elif page is not None and hasattr(page, "on_code_scanned"):
            page.on_code_scanned(code)

    def _say(self, exc: BaseException) -> None:
        if self.stack.currentWidget() is self.home:
            self.home.banner.show_message(message_for(exc), "error")
        else:
            show_error(self, exc)

    # --- settings and window state -------------------------------------------------------

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.services.ctx.settings, self)
        if not dialog.exec():
            return
        try:
            self.services.ctx.settings = dialog.save()
        except OSError as exc:
            show_error(self, exc)
            return
        self.inspection.view.apply_settings(self.services.ctx.settings)
        self.scanner.configure(self.services.ctx.settings.scanner_prefix,
                               self.services.ctx.settings.scanner_suffix)
        self._update_header()

    def _restore_geometry(self) -> None:
        # Size and position as plain values: restoreGeometry() would squeeze them onto today's screen.
        size, pos = self._window_state.value("size"), self._window_state.value("pos")
        if isinstance(size, QSize):
            self.resize(size)
        else:  # first start: 1440x900, but never larger than the screen (at 1366x768 it hid the header)
            screen = self.screen()
            default = QSize(1440, 900)
            self.resize(default.boundedTo(screen.availableGeometry().size()) if screen else default)
        if isinstance(pos, QPoint):
            self.move(pos)
        self.restore_maximized = self._window_state.value("maximized", False, type=bool)

    def show_as_remembered(self) -> None:
        """Show the window maximized if it was when last closed."""
        self.showMaximized() if self.restore_maximized else self.show()

    def _finish_background_work(self, rounds: int = CLOSE_ROUNDS) -> None:
        """Let started work end and its answers arrive while the pages still take them (a photo saved
        is then compared, a result recorded is shown); bounded, for work that keeps starting more."""
        for _ in range(rounds):
            if not running_jobs():
                return
            wait_for_background()
            QApplication.processEvents()

    def closeEvent(self, event: QCloseEvent) -> None:
        waiting = len(self.inspection.photo_saver.pending) + int(self.inspection.recording)
        if waiting and not self.close_without_asking:
            answer = QMessageBox.question(
                self, "Work not saved yet",
                f"{waiting} photo(s) or result(s) are not in the database yet. The photos are kept on this "
                "computer and saved when you next log in here. Close anyway?")
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self._window_state.setValue("maximized", self.isMaximized())
        if not self.isMaximized():
            self._window_state.setValue("size", self.size())
            self._window_state.setValue("pos", self.pos())
        self._window_state.sync()
        self._finish_background_work()
        self._closed = True
        self.inspection.shut_down(for_good=True)
        self.scanner.uninstall()
        wait_for_background()
        super().closeEvent(event)
