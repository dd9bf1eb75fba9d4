"""The middle of the screen: what to check, the reference, the camera, the comparison, the photos."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inspector.config import Settings
from inspector.domain.checklist import Step
from inspector.services.views import PhotoView
from inspector.ui.inspection.media import REFERENCE_CACHE, CaptureHost, CompareHost
from inspector.ui.widgets import Banner, ScaledImage, title_label

CAPTURE_TAB, COMPARE_TAB = 0, 1


class StepView(QWidget):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 0)
        self.title = title_label("")
        self.facts = title_label("", "subtitle")
        self.instructions = QLabel()
        self.instructions.setWordWrap(True)
        self.instructions.setStyleSheet("font-size: 13pt;")
        self.banner = Banner()  # resubmitted photos, busy states
        # Title and facts share one line: every pixel of height goes to the comparison below.
        title_row = QHBoxLayout()
        title_row.addWidget(self.title)
        title_row.addWidget(self.facts, 1)
        self.title.setWordWrap(False)
        layout.addLayout(title_row)
        layout.addWidget(self.instructions)
        layout.addWidget(self.banner)

        split = QSplitter(Qt.Orientation.Horizontal)
        reference_box = QWidget()
        reference_layout = QVBoxLayout(reference_box)
        reference_layout.setContentsMargins(0, 0, 0, 0)
        reference_layout.addWidget(QLabel("Reference"))
        self.reference = ScaledImage("no reference image for this step")
        reference_layout.addWidget(self.reference, 1)
        split.addWidget(reference_box)
        self.tabs = QTabWidget()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.capture = CaptureHost(settings)
        self.compare = CompareHost()
        self.tabs.addTab(self.capture, "Capture  (Space)")
        self.tabs.addTab(self.compare, "Compare")
        summary = getattr(self.compare.view, "summary", None)
        if summary is not None:  # the score beside the tabs: the comparison gets that row's height
            self.tabs.setCornerWidget(summary, Qt.Corner.TopRightCorner)
        split.addWidget(self.tabs)
        # The comparison shows the reference itself: give it the whole width.
        self.tabs.currentChanged.connect(lambda index: reference_box.setVisible(index == CAPTURE_TAB))
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([400, 600])
        layout.addWidget(split, 1)

        # The step's photos sit in the result column (InspectionPage places photo_strip there), so
        # the capture and the comparison get the whole height of the middle.
        self.photo_strip = QWidget()
        strip = QVBoxLayout(self.photo_strip)
        strip.setContentsMargins(0, 0, 0, 0)
        strip.addWidget(QLabel("Photos of this step"))
        self.photos = QListWidget()
        self.photos.setViewMode(QListWidget.ViewMode.IconMode)
        self.photos.setFlow(QListWidget.Flow.LeftToRight)
        self.photos.setWrapping(False)
        self.photos.setIconSize(QSize(96, 64))
        self.photos.setFixedHeight(104)
        self.photos.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        strip.addWidget(self.photos)
        self.set_aside_button = QPushButton("Set the selected photo aside  (Del)")
        self.set_aside_button.setToolTip("Set the selected photo aside (kept on record) to retake it")
        self.set_aside_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        strip.addWidget(self.set_aside_button)
        self._thumbs: dict[str, QIcon] = {}
        self._reference_pixmaps: dict[Path, QPixmap] = {}

    def show_step(self, number: int, total: int, step: Step, reference: Path | None) -> None:
        self.title.setText(f"{number}/{total}  {step.title}")
        photo_rule = {"required": f"photo required ({step.required_photos})", "optional": "photo optional",
                      "none": "no photo"}[str(step.photo)]
        section = f"{step.section} · " if step.section else ""
        self.facts.setText(f"{section}{str(step.severity).capitalize()} · {photo_rule}")
        self.instructions.setText(step.instructions)
        self.banner.clear_message()
        if reference is not None and reference.is_file():
            if reference not in self._reference_pixmaps:
                # Every item of a line revisits the same references: decode each once per session.
                if len(self._reference_pixmaps) >= REFERENCE_CACHE:
                    self._reference_pixmaps.pop(next(iter(self._reference_pixmaps)))
                self._reference_pixmaps[reference] = QPixmap(str(reference))
            self.reference.set_image(self._reference_pixmaps[reference])
        else:
            self.reference.clear_image()
        self.capture.set_reference(reference)
        self.compare.clear()
        wants_photo = str(step.photo) != "none"
        self.tabs.setVisible(wants_photo)
        self.photo_strip.setVisible(wants_photo)
        self.tabs.setCurrentIndex(CAPTURE_TAB)

    def apply_settings(self, settings: Settings) -> None:
        self.capture.apply_settings(settings)

    def add_thumbnail(self, sha256: str, image: QImage) -> None:
        """A thumbnail made off the GUI thread, for a photo just taken."""
        self._thumbs[sha256] = QIcon(QPixmap.fromImage(image))

    def show_photos(self, photos: tuple[PhotoView, ...]) -> list[str]:
        """List the step's photos; returns the SHA-256s with no thumbnail yet (made off the GUI
        thread by the caller, then given to add_thumbnail and shown again)."""
        self.photos.clear()
        missing: list[str] = []
        for photo in photos:
            icon = self._thumbs.get(photo.sha256)
            if icon is None:  # a photo from before this session (resumed)
                missing.append(photo.sha256)
                icon = QIcon()
            item = QListWidgetItem(icon, f"{photo.source} {photo.captured_at:%H:%M:%S}")
            item.setData(Qt.ItemDataRole.UserRole, photo.id)
            notes = "; ".join(photo.quality_notes)
            item.setToolTip(notes or "no quality notes")
            self.photos.addItem(item)
        if self.photos.count():
            self.photos.setCurrentRow(self.photos.count() - 1)  # the latest: the one to retake
        self.set_aside_button.setEnabled(self.photos.count() > 0)
        return missing

    def selected_photo_id(self) -> int | None:
        item = self.photos.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None
