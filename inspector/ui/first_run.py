"""First start on an empty database: create the first admin, or open the demo station."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector.services.station import StationServices
from inspector.ui.background import run_in_background
from inspector.ui.scanner import TAKES_SCANS
from inspector.ui.widgets import Banner, message_for, title_label


class FirstRunPage(QWidget):
    """Two ways in: a real station (first admin) or the demo (users, checklists, past inspections)."""

    admin_created = Signal(str)  # the admin's name, to prefill the login
    demo_seeded = Signal(str)  # a one-line summary
    create_finished = Signal(bool)  # after every attempt to create the admin: True when it was made

    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        outer = QVBoxLayout(self)
        outer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box = QFrame()
        box.setMaximumWidth(720)
        layout = QVBoxLayout(box)
        layout.addWidget(title_label("Welcome to the inspection station"))
        layout.addWidget(title_label(
            "The records are empty. Create the first administrator to set up a real bench, "
            "or open the demo station to inspect a sample item end to end with no camera.",
            "subtitle"))

        self.name_edit = QLineEdit(placeholderText="Full name")
        self.pin_edit = QLineEdit(placeholderText="4 to 8 digits", echoMode=QLineEdit.EchoMode.Password)
        self.badge_edit = QLineEdit(placeholderText="Scan the badge (optional)")
        for field in (self.name_edit, self.pin_edit, self.badge_edit):
            field.setProperty(TAKES_SCANS, True)  # everything typed or scanned here is for the form
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("PIN", self.pin_edit)
        form.addRow("Badge", self.badge_edit)
        layout.addLayout(form)

        buttons = QHBoxLayout()
        self.create_button = QPushButton("Create the first admin")
        self.create_button.setProperty("role", "primary")
        self.create_button.clicked.connect(self._on_create_clicked)
        self.demo_button = QPushButton("Open the demo station")
        self.demo_button.clicked.connect(self._on_demo_clicked)
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.demo_button)
        layout.addLayout(buttons)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(True)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.banner = Banner()
        layout.addWidget(self.banner)
        outer.addWidget(box)
        self.pin_edit.returnPressed.connect(self._on_create_clicked)

    def _on_create_clicked(self) -> None:
        """Hashing the PIN (argon2) takes ~0.1 s: done in the background, the window keeps painting."""
        if not self.create_button.isEnabled():
            return
        name, pin, badge = self.name_edit.text().strip(), self.pin_edit.text(), self.badge_edit.text().strip()
        self.create_button.setEnabled(False)
        users = self._services.users
        run_in_background(lambda: users.create_first_admin(name, pin, badge or None).name,
                          on_result=self._on_admin_created, on_error=self._on_create_failed)

    def _on_admin_created(self, name: str) -> None:
        self.create_button.setEnabled(True)
        self.banner.clear_message()
        self.admin_created.emit(name)
        self.create_finished.emit(True)

    def _on_create_failed(self, exc: BaseException) -> None:
        self.create_button.setEnabled(True)
        self.banner.show_message(message_for(exc), "error")
        self.create_finished.emit(False)

    def _on_demo_clicked(self) -> None:
        self._set_busy(True)
        self.banner.show_message("Setting up the demo: users, checklists and past inspections…", "info")
        services = self._services

        def seed(progress: Callable[[str], None]) -> str:
            from inspector.services.demo import seed_demo

            if not services.ctx.library.all():
                from inspector.errors import ChecklistInvalid

                raise ChecklistInvalid(
                    f"No checklists were found in {services.ctx.settings.checklists_dir}; "
                    "the demo needs at least one.")
            return str(seed_demo(services, inspections=12, progress=progress))

        run_in_background(seed, on_result=self._on_demo_done, on_error=self._on_demo_failed,
                          on_progress=self._on_progress)

    def _on_progress(self, line: str) -> None:
        self.progress.setFormat(line)

    def _on_demo_done(self, summary: str) -> None:
        self._set_busy(False)
        self.banner.clear_message()
        self.demo_seeded.emit(summary)

    def _on_demo_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.banner.show_message(message_for(exc), "error")

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress.setFormat("Starting…")
        for widget in (self.create_button, self.demo_button, self.name_edit, self.pin_edit, self.badge_edit):
            widget.setEnabled(not busy)
