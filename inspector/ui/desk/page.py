"""The Desk page: tabs for the queue, the review, analytics and calibration; integrity check on top."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from inspector.security.roles import Actor, Permission
from inspector.services.integrity import IntegrityReport, verify_integrity
from inspector.services.station import StationServices
from inspector.ui.background import run_in_background
from inspector.ui.desk.analytics_tab import AnalyticsTab
from inspector.ui.desk.appeals_tab import AppealsTab
from inspector.ui.desk.calibration_tab import CalibrationTab
from inspector.ui.desk.queue_tab import QueueTab
from inspector.ui.desk.review_panel import ReviewPanel
from inspector.ui.widgets import message_for, title_label


class DeskPage(QWidget):
    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.actor: Actor | None = None
        self.last_integrity: IntegrityReport | None = None
        self.queue = QueueTab(services)
        self.review = ReviewPanel(services)
        self.analytics = AnalyticsTab(services)
        self.calibration = CalibrationTab(services)
        self.appeals = AppealsTab(services)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.queue, "Review queue")
        self.tabs.addTab(self.review, "Review")
        self.tabs.addTab(self.analytics, "Analytics")
        self.tabs.addTab(self.calibration, "Calibration")
        self.tabs.addTab(self.appeals, "Appeals")
        self.appeals.open_requested.connect(self.open_inspection)
        self.queue.open_requested.connect(self.open_inspection)
        self.analytics.open_requested.connect(self.open_inspection)  # from a drill-down or a search
        self.review.next_requested.connect(self.open_next)
        self._position = 0  # where the open inspection stood in the queue
        self.review.reviewed.connect(lambda _id: self.queue.refresh())
        self.tabs.currentChanged.connect(self._tab_changed)
        self.integrity_button = QPushButton("Check integrity")
        self.integrity_button.clicked.connect(self.check_integrity)
        self.integrity_label = QLabel("")
        self.integrity_label.setWordWrap(True)
        self.integrity_label.hide()  # no empty line above the tabs until there is something to say
        top = QHBoxLayout()
        top.addWidget(title_label("Supervisor desk"))
        top.addStretch(1)
        top.addWidget(self.integrity_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.integrity_label)
        layout.addWidget(self.tabs, 1)

    def on_shown(self, actor: Actor) -> None:
        """Called by the window each time the page opens: the services check roles on every call."""
        self.actor = actor
        for part in (self.queue, self.review, self.analytics, self.calibration, self.appeals):
            part.actor = actor
        self.analytics.on_shown()
        if actor.can(Permission.REVIEW):
            self.queue.refresh()

    def open_inspection(self, inspection_id: int) -> None:
        ids = [entry.inspection_id for entry in self.queue.entries]
        self._position = ids.index(inspection_id) if inspection_id in ids else 0
        self.review.open(inspection_id)
        self.tabs.setCurrentWidget(self.review)

    def open_next(self) -> None:
        """The next waiting inspection after the one under review, without going back to the list."""
        ids = [entry.inspection_id for entry in self.queue.entries]
        current = self.review.inspection_id
        # A reviewed inspection has left the (refreshed) queue: the next one moved up into its place.
        position = ids.index(current) + 1 if current in ids else self._position
        if position >= len(ids):
            self.review.banner.show_message("That was the last inspection in the queue.", "info")
            return
        self.open_inspection(ids[position])

    def _tab_changed(self, index: int) -> None:
        if self.actor is None:
            return
        widget = self.tabs.widget(index)
        if widget is self.analytics and not self.analytics.rows:
            self.analytics.refresh()
        elif widget is self.calibration:
            self.calibration.refresh()
        elif widget is self.appeals:
            self.appeals.refresh()

    def check_integrity(self) -> None:
        """Recompute the audit chain and photo hashes off the GUI thread; show the first broken record."""
        self.integrity_button.setEnabled(False)
        self.integrity_label.setText("Checking the audit chain and every photo…")
        self.integrity_label.show()
        run_in_background(lambda: verify_integrity(self.services.ctx), on_result=self._integrity_done,
                          on_error=self._integrity_failed)

    def _integrity_done(self, report: IntegrityReport) -> None:
        self.last_integrity = report
        self.integrity_button.setEnabled(True)
        verdict = "Everything checks out." if report.ok else "ALTERED RECORDS FOUND."
        self.integrity_label.setText(f"{verdict} " + " · ".join(report.lines()))
        self.integrity_label.setStyleSheet("" if report.ok else "color: #b00020; font-weight: bold;")

    def _integrity_failed(self, exc: BaseException) -> None:
        self.integrity_button.setEnabled(True)
        self.integrity_label.setText(message_for(exc))
