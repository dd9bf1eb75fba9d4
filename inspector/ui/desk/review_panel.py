"""One inspection under review: every step, photo, comparison and note; confirm, overturn or blind review.

What the panel shows comes from `ReviewService.open`: for a blind item (and the senior panel) the
first verdict, outcomes, notes and earlier reviews are not in it at all, so no widget can show them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from inspector.security.roles import Actor
from inspector.services import review_claims
from inspector.services.evidence import export_bundle
from inspector.services.reviews import ReviewTask
from inspector.services.station import StationServices
from inspector.services.views import InspectionDetail, PhotoView
from inspector.ui.compare import ComparisonView
from inspector.ui.desk.evidence_view import stored_comparison_view
from inspector.ui.widgets import Banner, message_for, pixmap_from_bytes, title_label

THUMB = 220


def _thumbnail(data: bytes, caption: str) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    image = QLabel()
    pixmap = pixmap_from_bytes(data)
    if not pixmap.isNull():
        image.setPixmap(pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation))
    layout.addWidget(image)
    layout.addWidget(QLabel(caption))
    return box


class ReviewPanel(QWidget):
    reviewed = Signal(int)
    next_requested = Signal()

    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.actor: Actor | None = None
        self.inspection_id: int | None = None
        self.detail: InspectionDetail | None = None
        self.task: ReviewTask | None = None
        self.comparison_views: dict[str, ComparisonView] = {}  # step id -> its recorded comparison
        self._shown = 0
        self.heading = title_label("Open an inspection from the queue.")
        self.heading.setWordWrap(True)
        self.banner = Banner()
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        self.verdict_box = QComboBox()
        self.verdict_box.addItems(["pass", "fail", "inconclusive"])
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setPlaceholderText("Reason (required for your verdict or an overturn)")
        self.reason_edit.setMaximumHeight(56)  # the evidence above needs the room
        self.confirm_button = QPushButton("Confirm verdict")
        self.overturn_button = QPushButton("Overturn to selected verdict")
        self.blind_button = QPushButton("Record my verdict")
        self.confirm_button.clicked.connect(self.confirm)
        self.overturn_button.clicked.connect(self.overturn)
        self.blind_button.clicked.connect(self.record_blind)
        self.evidence_button = QPushButton("Export evidence…")
        self.evidence_button.clicked.connect(self._ask_evidence)
        self.next_button = QPushButton("Next in queue ▶")
        self.next_button.setToolTip("Open the next waiting inspection (Ctrl+N)")
        self.next_button.setShortcut("Ctrl+N")
        self.next_button.clicked.connect(self.next_requested.emit)
        actions = QHBoxLayout()
        actions.addWidget(QLabel("Verdict:"))
        actions.addWidget(self.verdict_box)
        for button in (self.confirm_button, self.overturn_button, self.blind_button):
            actions.addWidget(button)
        actions.addWidget(self.evidence_button)
        actions.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.banner)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.reason_edit)
        layout.addLayout(actions)
        self._set_buttons()

    def open(self, inspection_id: int) -> None:
        """Show the inspection and claim it, so other desks see who is reviewing it."""
        self._release()
        self.inspection_id = inspection_id
        self.banner.clear_message()
        self.reason_edit.clear()
        self.reload()
        if self.task is not None and self.task.claimed_by is None and not self.task.reviewed_by_me:
            try:
                review_claims.claim(self.services.ctx, self.actor, inspection_id)  # type: ignore[arg-type]
                self.task = replace(self.task, claimed_by=self.actor.name if self.actor else None)
            except Exception as exc:
                self.banner.show_message(message_for(exc), "error")

    def _release(self) -> None:
        """Give back the claim of the inspection left without a review."""
        task, actor = self.task, self.actor
        if task is None or actor is None or task.claimed_by != actor.name or task.reviewed_by_me:
            return
        with contextlib.suppress(Exception):  # the claim expires by itself anyway
            review_claims.release(self.services.ctx, actor, task.detail.inspection.id)

    def reload(self) -> None:
        if self.inspection_id is None:
            return
        try:
            self.task = self.services.reviews.open(self.actor, self.inspection_id)  # type: ignore[arg-type]
        except Exception as exc:
            self.banner.show_message(message_for(exc), "error")
            return
        self.detail = self.task.detail
        self._show(self.detail)
        self._set_buttons()
        holder = self.task.claimed_by
        if holder is not None and self.actor is not None and holder != self.actor.name:
            self.banner.show_message(f"{holder} is reviewing this inspection.", "warning")

    def _set_buttons(self) -> None:
        task = self.task
        # Blind items, the panel and inconclusive items take the reviewer's own verdict and reason.
        own_verdict = task is not None and (task.blind or task.stage == "decide")
        self.confirm_button.setVisible(not own_verdict)
        self.overturn_button.setVisible(not own_verdict)
        self.blind_button.setVisible(own_verdict)
        for button in (self.confirm_button, self.overturn_button, self.blind_button, self.evidence_button):
            button.setEnabled(task is not None)
        self.evidence_button.setVisible(task is not None and not task.blind)

    def _show(self, detail: InspectionDetail) -> None:
        self._shown += 1  # comparisons still loading for the previous display are dropped
        self.comparison_views = {}
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            child = item.widget() if item is not None else None
            if child is not None:
                child.deleteLater()
        view = detail.inspection
        blind = self.task is not None and self.task.blind
        verdict = "hidden until you record yours" if blind or view.verdict is None else view.verdict
        self.heading.setText(f"Inspection {view.id} · {view.item.code} · {view.brand} {view.model} · "
                             f"by {view.authenticator_name} at {view.station} · verdict: {verdict}")
        if view.summary:
            self.body_layout.addWidget(QLabel(view.summary))
        for step in detail.checklist.steps:
            result = detail.results.get(step.id)
            text = f"<b>{step.title}</b> ({step.severity}): "
            if result is None:
                text += "not recorded"
            else:
                text += result.outcome or "recorded"
                if result.fail_reason:
                    text += f" · {result.fail_reason}"
                if result.value:
                    text += f" · value {result.value}"
                if result.note:
                    text += f" · note: {result.note}"
            label = QLabel(text)
            label.setWordWrap(True)
            self.body_layout.addWidget(label)
            photos = detail.photos.get(step.id, ())
            compared = [p for p in photos if p.id in detail.comparisons]
            # The latest compared photo is shown in the comparison itself; the others as thumbnails.
            shown = compared[-1] if compared else None
            others = tuple(p for p in photos if p is not shown)
            if others:
                self.body_layout.addWidget(self._photo_strip(detail, others))
            if shown is not None:
                comparison = detail.comparisons[shown.id]
                compare_view = stored_comparison_view(
                    comparison, self.services.ctx.settings.assets_dir / comparison.reference,
                    self._read_photo, shown.sha256, self._still_showing(self._shown),
                    caption=f"Photo {shown.id} ({shown.source})")
                self.comparison_views[step.id] = compare_view
                self.body_layout.addWidget(compare_view)
        for review in detail.reviews:
            self.body_layout.addWidget(QLabel(
                f"Review by {review.reviewer_name}: {review.decision} {review.previous_verdict} → "
                f"{review.verdict}{' (blind)' if review.blind else ''} · {review.reason}"))
        for certificate in detail.certificates:
            state = f"void: {certificate.void_reason}" if certificate.void else "valid"
            self.body_layout.addWidget(QLabel(f"Certificate {certificate.serial}: {state}"))
        self.body_layout.addStretch(1)

    def _read_photo(self, sha256: str) -> bytes:
        """The photo, given by the service to the logged-in reviewer only (their session is checked)."""
        return self.services.inspections.photo_bytes(self.actor, sha256)  # type: ignore[arg-type]

    def _still_showing(self, shown: int) -> Callable[[], bool]:
        return lambda: shown == self._shown

    def _photo_strip(self, detail: InspectionDetail, photos: tuple[PhotoView, ...]) -> QWidget:
        strip = QWidget()
        row = QHBoxLayout(strip)
        for photo in photos:
            comparison = detail.comparisons.get(photo.id)
            caption = f"photo {photo.id} ({photo.source})"
            if comparison is not None:
                caption += f" · match {comparison.score:.0%} · {len(comparison.regions)} region(s)"
            row.addWidget(_thumbnail(self._read_photo(photo.sha256), caption))
        row.addStretch(1)
        return strip

    def export_evidence(self, path: Path) -> None:
        """The signed evidence zip for a dispute (check it with `inspector verify FILE.zip`)."""
        if self.inspection_id is None:
            return
        try:
            export_bundle(self.services.ctx, self.actor, self.inspection_id, path)  # type: ignore[arg-type]
        except Exception as exc:
            self.banner.show_message(message_for(exc), "error")
            return
        self.banner.show_message(f"Signed evidence written to {path}.", "info")

    def _ask_evidence(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export evidence", f"evidence-{self.inspection_id}.zip",
                                              "Evidence bundle (*.zip)")
        if name:
            self.export_evidence(Path(name))

    def _reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def confirm(self) -> None:
        actor, inspection_id = self.actor, self.inspection_id
        if actor is not None and inspection_id is not None:
            self._act(lambda: self.services.reviews.confirm(actor, inspection_id, self._reason()),
                      "Verdict confirmed.")

    def overturn(self) -> None:
        actor, inspection_id, verdict = self.actor, self.inspection_id, self.verdict_box.currentText()
        if actor is not None and inspection_id is not None:
            self._act(lambda: self.services.reviews.overturn(actor, inspection_id, verdict, self._reason()),
                      f"Verdict overturned to {verdict}.")

    def record_blind(self) -> None:
        """The reviewer's own verdict and reason (blind items, the panel, inconclusive items)."""
        def work() -> str:
            outcome = self.services.reviews.review(
                self.actor, self.inspection_id, self.verdict_box.currentText(), self._reason())  # type: ignore[arg-type]
            return outcome.message

        self._act(work, None)

    def _act(self, work, done: str | None) -> None:  # type: ignore[no-untyped-def]
        if self.inspection_id is None:
            return
        try:
            result = work()
        except Exception as exc:
            self.banner.show_message(message_for(exc), "error")
            return
        self.reload()  # the first verdict may be seen once yours is recorded
        self.banner.show_message(done or str(result), "info")
        self.reviewed.emit(self.inspection_id)
