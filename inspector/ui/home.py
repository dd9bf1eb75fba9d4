"""The bench between items: scan the next item, resume unfinished inspections, try a demo item."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector.security.roles import Actor
from inspector.services.calibration import CalibrationService
from inspector.services.pace import BenchPace, PaceService
from inspector.services.station import StationServices
from inspector.services.views import InspectionView
from inspector.ui.background import run_in_background
from inspector.ui.widgets import Banner, message_for, tall_rows, title_label


class HomePage(QWidget):
    """Emits open_requested(item_code, style_code or "") and resume_requested(inspection id)."""

    open_requested = Signal(str, str)
    resume_requested = Signal(int)
    refreshed = Signal()  # the lists are filled

    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        top = QHBoxLayout()
        top.addWidget(title_label("Scan the next item"), 1)
        # Items per hour from the records (PaceService), refreshed each time this page shows.
        self.pace_label = QLabel()
        self.pace_label.setObjectName("pace")
        self.pace_label.setStyleSheet("font-size: 14pt;")
        top.addWidget(self.pace_label)
        layout.addLayout(top)
        layout.addWidget(title_label(
            "Scan the item's code anywhere in this window, or type it here and press Enter.", "subtitle"))
        row = QHBoxLayout()
        self.code_edit = QLineEdit(placeholderText="Item code")
        self.code_edit.returnPressed.connect(self._on_open_clicked)
        self.open_button = QPushButton("Open item")
        self.open_button.setProperty("role", "primary")
        self.open_button.clicked.connect(self._on_open_clicked)
        row.addWidget(self.code_edit, 1)
        row.addWidget(self.open_button)
        layout.addLayout(row)
        self.banner = Banner()
        layout.addWidget(self.banner)

        self.unfinished_box = QGroupBox("Unfinished inspections — pick one to resume where it stopped")
        box_layout = QVBoxLayout(self.unfinished_box)
        self.unfinished_list = QListWidget()
        tall_rows(self.unfinished_list)
        self.unfinished_list.itemActivated.connect(self._on_unfinished_activated)
        box_layout.addWidget(self.unfinished_list)
        self.resume_button = QPushButton("Resume the selected inspection")
        self.resume_button.clicked.connect(self._on_resume_clicked)
        box_layout.addWidget(self.resume_button)
        layout.addWidget(self.unfinished_box, 1)

        # Calibration items a supervisor assigned: shown like any other work, never as a test.
        self.assigned_box = QGroupBox("Assigned to you — fetch these items from the shelf and scan them")
        assigned_layout = QVBoxLayout(self.assigned_box)
        self.assigned_list = QListWidget()
        tall_rows(self.assigned_list)
        self.assigned_list.itemActivated.connect(
            lambda item: self.open_requested.emit(item.text(), ""))
        self.assigned_list.setMaximumHeight(150)  # a few codes; the unfinished list gets the room
        assigned_layout.addWidget(self.assigned_list)
        layout.addWidget(self.assigned_box)

        self.demo_box = QGroupBox("Try an item (demo checklists; a new item code each time)")
        self.demo_grid = QGridLayout(self.demo_box)
        layout.addWidget(self.demo_box)
        self._demo_counter = 0

    def refresh(self, actor: Actor | None = None) -> None:
        """Reload the unfinished inspections (a crash leaves them open), assigned items, demo items,
        read off the GUI thread; `refreshed` follows."""
        services = self._services

        def read() -> tuple[list[InspectionView], list[str], bool, BenchPace | None]:
            if actor is None:  # nobody logged in: nothing to offer
                return [], [], services.users.is_demo_station(), None
            assigned = CalibrationService(services.ctx).pending_for(actor)
            pace = PaceService(services.ctx).pace(actor)
            return (services.inspections.unfinished(actor), list(assigned), services.users.is_demo_station(),
                    pace)

        run_in_background(read, on_result=lambda lists: self._fill(*lists),
                          on_error=lambda exc: self.banner.show_message(message_for(exc), "error"))
        self.code_edit.setFocus()

    def _fill(self, unfinished: list[InspectionView], assigned: list[str], demo: bool,
              pace: BenchPace | None = None) -> None:
        self.pace_label.setText(pace_text(pace) if pace is not None else "")
        self.unfinished_list.clear()
        for view in unfinished:
            self.unfinished_list.addItem(self._unfinished_item(view))
        has_unfinished = self.unfinished_list.count() > 0
        self.unfinished_box.setVisible(has_unfinished)
        if has_unfinished:
            self.unfinished_list.setCurrentRow(0)
        self.assigned_list.clear()
        self.assigned_list.addItems(assigned)
        self.assigned_box.setVisible(self.assigned_list.count() > 0)
        self._fill_demo_items(demo)
        self.refreshed.emit()

    @staticmethod
    def _unfinished_item(view: InspectionView) -> QListWidgetItem:
        started = view.started_at.strftime("%d %b %H:%M")
        where = f"step {view.current_step}" if view.current_step else "all steps recorded"
        item = QListWidgetItem(
            f"{view.item.code} — {view.brand} {view.model} — {where} — {view.authenticator_name}, "
            f"{view.station}, started {started}")
        item.setData(Qt.ItemDataRole.UserRole, view.id)
        return item

    def _fill_demo_items(self, demo: bool) -> None:
        while self.demo_grid.count():
            item = self.demo_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        shown = 0
        for loaded in self._services.ctx.library.all()[:6]:
            styles = loaded.checklist.registry.style_codes
            if not styles:
                continue
            style = styles[0].code
            button = QPushButton(f"{loaded.checklist.title}\n{style}")
            button.setMinimumHeight(64)  # two lines of text
            button.clicked.connect(lambda _=False, s=style: self._on_try_clicked(s))
            self.demo_grid.addWidget(button, shown // 3, shown % 3)
            shown += 1
        self.demo_box.setVisible(shown > 0 and demo)

    def _on_try_clicked(self, style_code: str) -> None:
        from datetime import datetime

        self._demo_counter += 1
        code = f"TRY-{datetime.now():%H%M%S}-{self._demo_counter}"
        self.open_requested.emit(code, style_code)

    def _on_open_clicked(self) -> None:
        code = self.code_edit.text().strip()
        if not code:
            self.banner.show_message("Scan or type the item's code first.", "error")
            return
        self.code_edit.clear()
        self.open_requested.emit(code, "")

    def _on_unfinished_activated(self, item: QListWidgetItem) -> None:
        self.resume_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _on_resume_clicked(self) -> None:
        item = self.unfinished_list.currentItem()
        if item is not None:
            self._on_unfinished_activated(item)


def pace_text(pace: BenchPace) -> str:
    """One line for the bench: the last hour first (what a supervisor asks), then the day."""
    items = "item" if pace.last_hour == 1 else "items"
    rate = f", {pace.per_hour:.1f} an hour" if pace.per_hour is not None else ""
    return f"<b>{pace.last_hour}</b> {items} in the last hour · {pace.today} today{rate}"
