"""Log in by scanning a badge, or by name and PIN."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from inspector.security.roles import Actor
from inspector.services.station import StationServices
from inspector.ui.background import run_in_background
from inspector.ui.scanner import TAKES_SCANS
from inspector.ui.widgets import Banner, message_for, title_label

# The demo's people, offered as one-click fills on a demo station (services/demo.py DEMO_USERS).
DEMO_HINTS = (("Alex Authenticator", "B-1001", "1234"), ("Morgan Supervisor", "B-2001", "3456"),
              ("Ada Admin", "B-9001", "9999"))


class LoginPage(QWidget):
    logged_in = Signal(object)  # Actor
    attempt_finished = Signal(bool)  # after every checked PIN: True when it let someone in

    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        outer = QVBoxLayout(self)
        outer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box = QFrame()
        box.setMaximumWidth(560)
        layout = QVBoxLayout(box)
        layout.addWidget(title_label("Log in"))
        layout.addWidget(title_label("Scan your badge, or type your name or badge code and your PIN.",
                                     "subtitle"))
        self.who_edit = QLineEdit(placeholderText="Name or badge code")
        self.pin_edit = QLineEdit(placeholderText="PIN", echoMode=QLineEdit.EchoMode.Password)
        # A fast PIN typed with Enter looks like a scan: the PIN field keeps what it gets.
        self.pin_edit.setProperty(TAKES_SCANS, True)
        form = QFormLayout()
        form.addRow("Who", self.who_edit)
        form.addRow("PIN", self.pin_edit)
        layout.addLayout(form)
        self.login_button = QPushButton("Log in")
        self.login_button.setProperty("role", "primary")
        self.login_button.clicked.connect(self.try_login)
        layout.addWidget(self.login_button)
        self.banner = Banner()
        layout.addWidget(self.banner)
        self.demo_row = QHBoxLayout()
        self.demo_box = QFrame()
        self.demo_box.setLayout(self.demo_row)
        self.demo_box.hide()
        layout.addWidget(self.demo_box)
        outer.addWidget(box)
        self.who_edit.returnPressed.connect(self.pin_edit.setFocus)
        self.pin_edit.returnPressed.connect(self.try_login)

    def show_demo_people(self) -> None:
        """On a demo station, one click fills in a demo user (badge and PIN are in the README too)."""
        if self.demo_box.isVisible() or self.demo_row.count():
            self.demo_box.show()
            return
        for name, badge, pin in DEMO_HINTS:
            button = QPushButton(f"{name}\n{badge} · PIN {pin}")
            button.setMinimumHeight(64)  # two lines of text
            button.clicked.connect(lambda _=False, b=badge, p=pin: self._fill(b, p))
            self.demo_row.addWidget(button)
        self.demo_box.show()

    def _fill(self, who: str, pin: str) -> None:
        self.who_edit.setText(who)
        self.pin_edit.setText(pin)
        self.try_login()

    def on_badge_scanned(self, code: str) -> None:
        """A scan on this page is a badge: fill it in and ask for the PIN."""
        self.who_edit.setText(code)
        self.pin_edit.clear()
        self.pin_edit.setFocus()
        self.banner.show_message(f"Badge {code}: now type your PIN.", "info")

    def prefill(self, who: str) -> None:
        self.who_edit.setText(who)
        self.pin_edit.clear()
        self.pin_edit.setFocus()

    def try_login(self) -> None:
        """Check the PIN in the background: argon2 is deliberately slow (~0.1 s) and the
        window keeps painting meanwhile; a second Enter while it checks is ignored."""
        if not self.login_button.isEnabled():
            return
        self.login_button.setEnabled(False)
        who, pin = self.who_edit.text().strip(), self.pin_edit.text()
        run_in_background(lambda: self._services.users.login(who, pin),
                          on_result=self._on_accepted, on_error=self._on_refused)

    def _on_accepted(self, actor: Actor) -> None:
        self.login_button.setEnabled(True)
        self.banner.clear_message()
        self.pin_edit.clear()
        self.logged_in.emit(actor)
        self.attempt_finished.emit(True)

    def _on_refused(self, error: BaseException) -> None:
        self.login_button.setEnabled(True)
        self.banner.show_message(message_for(error), "error")
        self.pin_edit.clear()
        self.pin_edit.setFocus()
        self.attempt_finished.emit(False)

    def reset(self) -> None:
        self.who_edit.clear()
        self.pin_edit.clear()
        self.banner.clear_message()
        self.who_edit.setFocus()
