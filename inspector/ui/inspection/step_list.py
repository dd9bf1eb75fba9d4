"""The checklist down the left side: every step with its state; click or arrow to move."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from inspector.services.views import InspectionDetail
from inspector.ui.inspection.states import StepStatus, state_icon, step_status


class StepList(QListWidget):
    step_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIconSize(QSize(28, 28))
        self.setWordWrap(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the page's shortcuts
        self.setMinimumWidth(240)
        self.itemClicked.connect(self._on_item_clicked)
        self._statuses: dict[str, StepStatus] = {}

    def show_detail(self, detail: InspectionDetail, current: str | None) -> None:
        self.blockSignals(True)
        self.clear()
        self._statuses.clear()
        last_section = None
        for number, step in enumerate(detail.checklist.steps, start=1):
            if step.section and step.section != last_section:
                header = QListWidgetItem(step.section.upper())
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                self.addItem(header)
                last_section = step.section
            status = step_status(detail, step)
            self._statuses[step.id] = status
            photos = f"  · {status.photos}/{status.required_photos} photo" if status.required_photos else ""
            item = QListWidgetItem(state_icon(status.state), f"{number}. {step.title}{photos}")
            item.setData(Qt.ItemDataRole.UserRole, step.id)
            item.setToolTip(f"{status.state}: {status.detail}")
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
