"""References: a supervisor photographs a verified genuine item's checkpoints with the station camera
and saves them into the step's reference set (a new checklist version; services/reference_library.py).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QHideEvent, QIcon, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector.domain.checklist import PhotoRule, Step
from inspector.domain.loading import LoadedChecklist
from inspector.security.roles import Actor
from inspector.services.reference_library import ReferencesAdded
from inspector.services.station import StationServices
from inspector.ui.background import run_in_background
from inspector.ui.capture import CaptureWidget, open_source
from inspector.ui.widgets import Banner, message_for, thumbnail_image, title_label

THUMB_SIDE = 120


class ReferencesPage(QWidget):
    """Choose a checklist and a photo step, capture photos of the genuine item, save them.

    `saved(ReferencesAdded)` once the new version is recorded; `failed(str)` with the sentence shown.
    """

    saved = Signal(object)
    failed = Signal(str)

    def __init__(self, services: StationServices, before_camera: Callable[[], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.actor: Actor | None = None
        # The window stops the inspection's camera first: one device cannot be opened twice.
        self._before_camera = before_camera
        self.photos: list[bytes] = []
        self.saving = False

        self.item_edit = QLineEdit()
        self.item_edit.setPlaceholderText("scan the verified genuine item's code")
        self.checklist_box = QComboBox()
        self.step_box = QComboBox()
        self.set_label = QLabel("")
        self.set_label.setWordWrap(True)
        self.capture = CaptureWidget(source_factory=lambda: open_source(self.services.ctx.settings.camera))
        self.capture.photo_taken.connect(self._on_photo)
        self.taken_list = QListWidget()
        self.taken_list.setIconSize(QSize(THUMB_SIDE, THUMB_SIDE))
        self.taken_list.setMaximumWidth(THUMB_SIDE + 60)
        self.remove_button = QPushButton("Remove photo")
        self.remove_button.clicked.connect(self._remove_selected)
        self.save_button = QPushButton("Save as a new version")
        self.save_button.setMinimumHeight(44)
        self.save_button.clicked.connect(self.save)
        self.banner = Banner()

        choose = QFormLayout()
        choose.addRow("Genuine item", self.item_edit)
        choose.addRow("Checklist", self.checklist_box)
        choose.addRow("Step", self.step_box)
        side = QVBoxLayout()
        side.addWidget(QLabel("Photos of this genuine unit"))
        side.addWidget(self.taken_list, 1)
        side.addWidget(self.remove_button)
        side.addWidget(self.save_button)
        body = QHBoxLayout()
        body.addWidget(self.capture, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label("References"))
        layout.addWidget(QLabel("Photograph a verified genuine item, checkpoint by checkpoint: each "
                                "save adds the photos to the step's set of genuine references and "
                                "makes the checklist a new version."))
        layout.addLayout(choose)
        layout.addWidget(self.set_label)
        layout.addWidget(self.banner)
        layout.addLayout(body, 1)

        self.checklist_box.currentIndexChanged.connect(self._fill_steps)
        self.step_box.currentIndexChanged.connect(self._step_changed)
        self._fill_checklists()
        self._update_buttons()

    # --- what the window calls ----------------------------------------------------------

    def on_shown(self, actor: Actor) -> None:
        self.actor = actor
        self.banner.clear_message()
        self._fill_checklists()

    def on_code_scanned(self, code: str) -> None:
        """A scan on this page names the genuine item being photographed; its checklist, if one
        matches the code, is chosen."""
        self.item_edit.setText(code)
        loaded = self.services.ctx.library.for_code(code)
        if loaded is not None:
            self.checklist_box.setCurrentIndex(self.checklist_box.findData(loaded.checklist.id))

    def choose(self, checklist_id: str, step_id: str) -> None:
        """Select a checklist and step (as a person does with the two lists)."""
        self.checklist_box.setCurrentIndex(self.checklist_box.findData(checklist_id))
        self.step_box.setCurrentIndex(self.step_box.findData(step_id))

    # --- choosing -----------------------------------------------------------------------

    def _loaded(self) -> LoadedChecklist | None:
        checklist_id = self.checklist_box.currentData()
        if not checklist_id:
            return None
        try:
            return self.services.ctx.library.get(checklist_id)
        except KeyError:
            return None

    def _step(self) -> Step | None:
        loaded, step_id = self._loaded(), self.step_box.currentData()
        return None if loaded is None or not step_id else loaded.checklist.step(step_id)

    def _fill_checklists(self) -> None:
        current = self.checklist_box.currentData()
        self.checklist_box.blockSignals(True)
        self.checklist_box.clear()
        for loaded in sorted(self.services.ctx.library.all(), key=lambda one: one.checklist.title):
            self.checklist_box.addItem(loaded.checklist.title, loaded.checklist.id)
        index = self.checklist_box.findData(current)
        self.checklist_box.setCurrentIndex(max(index, 0))
        self.checklist_box.blockSignals(False)
        self._fill_steps()

    def _fill_steps(self) -> None:
        loaded = self._loaded()
        current = self.step_box.currentData()
        self.step_box.blockSignals(True)
        self.step_box.clear()
        for step in loaded.checklist.steps if loaded else []:
            if step.photo is not PhotoRule.NONE:
                self.step_box.addItem(step.title, step.id)
        index = self.step_box.findData(current)
        self.step_box.setCurrentIndex(max(index, 0))
        self.step_box.blockSignals(False)
        self._step_changed()

    def _step_changed(self) -> None:
        """Another step: the photos taken belong to the one before, so they are dropped."""
        self.photos.clear()
        self.taken_list.clear()
        loaded, step = self._loaded(), self._step()
        if loaded is None or step is None:
            self.set_label.setText("No checklist has a photo step.")
            self.capture.set_reference(None)
        else:
            count = len(step.references)
            self.set_label.setText(
                f"{loaded.checklist.title}, version {loaded.checklist.version}: {step.title} has "
                f"{count} genuine reference{'s' if count != 1 else ''}. Frame the item like the "
                "first one (shown as the ghost).")
            self.capture.set_reference(self._first_reference(step))
        self.capture.require_fresh_frame()
        self._update_buttons()

    def _first_reference(self, step: Step) -> np.ndarray | None:
        if not step.references:
            return None
        from inspector.vision.imageio import load_image

        try:
            return load_image(self.services.ctx.settings.assets_dir / step.references[0])
        except Exception:
            return None  # a missing reference: no ghost, capturing still works

    # --- photos and saving --------------------------------------------------------------

    def _on_photo(self, data: bytes, _source: str, _notes: object) -> None:
        self.photos.append(data)
        item = QListWidgetItem(QIcon(QPixmap.fromImage(thumbnail_image(data, THUMB_SIDE))),
                               f"Photo {len(self.photos)}")
        self.taken_list.addItem(item)
        self._update_buttons()

    def _remove_selected(self) -> None:
        row = self.taken_list.currentRow()
        if 0 <= row < len(self.photos):
            del self.photos[row]
            self.taken_list.takeItem(row)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(bool(self.photos) and not self.saving)
        self.remove_button.setEnabled(bool(self.photos) and not self.saving)

    def save(self) -> None:
        loaded, step = self._loaded(), self._step()
        if self.actor is None or loaded is None or step is None or not self.photos or self.saving:
            return
        self.saving = True
        self._update_buttons()
        self.banner.show_message("Saving: checking that each photo aligns with the reference…", "info")
        run_in_background(self.services.references.add_references, self.actor, loaded.checklist.id,
                          step.id, list(self.photos), genuine_item=self.item_edit.text(),
                          on_result=self._on_saved, on_error=self._on_failed, parent=self)

    def _on_saved(self, added: ReferencesAdded) -> None:
        self.saving = False
        self._fill_checklists()  # the new version, with the longer set; the photos are cleared
        self.banner.show_message(
            f"Saved as version {added.version}: {len(added.references)} genuine references for this "
            "step. The next inspection uses them.", "info")
        self.saved.emit(added)

    def _on_failed(self, exc: BaseException) -> None:
        self.saving = False
        self._update_buttons()
        text = message_for(exc)
        self.banner.show_message(text, "error")  # the photos stay: nothing is lost
        self.failed.emit(text)

    # --- the camera runs only while the page is on screen ---------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._before_camera is not None:
            self._before_camera()
        if self.capture.camera is None:
            self.capture.start_camera()

    def hideEvent(self, event: QHideEvent) -> None:
        self.capture.shutdown()
        super().hideEvent(event)
