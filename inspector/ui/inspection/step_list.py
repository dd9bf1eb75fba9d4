"""The checklist down the left side: every step with its state; click or arrow to move."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from inspector.services.views import InspectionDetail
from inspector.ui.inspection.states import StepStatus, state_icon, step_status

FULL_WIDTH, COMPACT_WIDTH = 240, 76


class StepList(QListWidget):
    step_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIconSize(QSize(28, 28))
        self.setWordWrap(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the page's shortcuts
        self.setMinimumWidth(FULL_WIDTH)
        self.itemClicked.connect(self._on_item_clicked)
        self._statuses: dict[str, StepStatus] = {}
        self._shown: tuple[InspectionDetail, str | None] | None = None
        self.compact = False

    def set_compact(self, compact: bool) -> None:
        """Numbers and state icons only (while comparing: the comparison takes the width)."""
        if compact == self.compact:
            return
        self.compact = compact
        if compact:
            self.setMinimumWidth(COMPACT_WIDTH)
            self.setMaximumWidth(COMPACT_WIDTH)
        else:
            self.setMaximumWidth(16_777_215)
            self.setMinimumWidth(FULL_WIDTH)
        if self._shown is not None:
            self.show_detail(*self._shown)

    def show_detail(self, detail: InspectionDetail, current: str | None) -> None:
        self._shown = (detail, current)
        self.blockSignals(True)
        self.clear()
        self._statuses.clear()
        last_section = None
        for number, step in enumerate(detail.checklist.steps, start=1):
            if step.section and step.section != last_section and not self.compact:
                header = QListWidgetItem(step.section.upper())
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                self.addItem(header)
                last_section = step.section
            status = step_status(detail, step)
            self._statuses[step.id] = status
            photos = f"  · {status.photos}/{status.required_photos} photo" if status.required_photos else ""
            text = f"{number}" if self.compact else f"{number}. {step.title}{photos}"
            item = QListWidgetItem(state_icon(status.state), text)
            item.setData(Qt.ItemDataRole.UserRole, step.id)
            item.setToolTip(f"{number}. {step.title}: {status.state}, {status.detail}")
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, str(status.state))
            self.addItem(item)
            if step.id == current:
                self.setCurrentItem(item)
        self.blockSignals(False)

    def status(self, step_id: str) -> StepStatus:
        return self._statuses[step_id]

    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        step_id = item.data(Qt.ItemDataRole.UserRole)
        if step_id:
            self.step_chosen.emit(str(step_id))
