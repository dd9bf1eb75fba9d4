"""One inspection at the bench: the checklist, the step, capture and comparison, the results."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from inspector.domain.checklist import Step
from inspector.security.roles import Actor
from inspector.services.comparisons import ComparisonOutcome
from inspector.services.review_queue import LOW_SCORE
from inspector.services.station import StationServices
from inspector.services.views import ComparisonView, InspectionDetail, PhotoView, StepResultView
from inspector.ui.background import run_in_background
from inspector.ui.inspection.photo_saver import PhotoSaver
from inspector.ui.inspection.read_values import ReadValuesPanel
from inspector.ui.inspection.result_panel import ResultPanel
from inspector.ui.inspection.step_list import COMPACT_WIDTH, FULL_WIDTH, StepList
from inspector.ui.inspection.step_view import CAPTURE_TAB, COMPARE_TAB, StepView
from inspector.ui.scanner import is_text_entry
from inspector.ui.widgets import cached_photo_reader, message_for, thumbnail_image
from inspector.vision.compare import Comparison
from inspector.vision.imageio import load_image

_KEY_ACTIONS = {
    Qt.Key.Key_Space: "capture", Qt.Key.Key_C: "capture",
    Qt.Key.Key_P: "pass", Qt.Key.Key_F: "fail", Qt.Key.Key_U: "unsure",
    Qt.Key.Key_N: "next", Qt.Key.Key_Right: "next", Qt.Key.Key_PageDown: "next",
    Qt.Key.Key_B: "previous", Qt.Key.Key_Left: "previous", Qt.Key.Key_PageUp: "previous",
    Qt.Key.Key_Return: "confirm_read", Qt.Key.Key_Enter: "confirm_read",
    Qt.Key.Key_Delete: "set_aside",
    Qt.Key.Key_Plus: "zoom_in", Qt.Key.Key_Equal: "zoom_in", Qt.Key.Key_Minus: "zoom_out",
}


class InspectionPage(QWidget):
    """Signals say what happened, for the window and for tests waiting on them."""

    photo_recorded = Signal(object)  # PhotoView
    comparison_shown = Signal(object)  # ComparisonOutcome
    step_recorded = Signal(object)  # StepResultView
    summary_requested = Signal(int)  # inspection id
    other_item_scanned = Signal(str)
    failed = Signal(str)

    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.actor: Actor | None = None
        self.detail: InspectionDetail | None = None
        self.step_id: str | None = None
        self._doubt_confirmed: tuple[str, str] | None = None  # (step, doubt) the user passed anyway
        self._value_problems: tuple[str, list[str]] = ("", [])  # (value, what the brand data says)
        self._record_after_check = False
        self._photo_bytes: dict[int, bytes] = {}
        self.photo_saver = PhotoSaver(services, self, journal=services.ctx.settings.home / "pending-photos")
        self.photo_saver.resumed.connect(self._on_photos_resumed)
        self.photo_saver.saved.connect(self._on_photo_saved)
        self.photo_saver.waiting.connect(self._on_photo_waiting)
        self.photo_saver.refused.connect(self._on_failed)
        self._photo_waited = False
        self._record_attempt: tuple[tuple[Any, ...], str] | None = None
        self._recording = False
        self.closed = False  # the window closed: late answers from background work change nothing
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.header = QLabel()
        self.header.setProperty("role", "subtitle")
        layout.addWidget(self.header)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.steps = StepList()
        self.steps.step_chosen.connect(self.go_to)
        self.view = StepView(services.ctx.settings)
        self.view.capture.photo_taken.connect(self.submit_photo)
        self.view.set_aside_button.clicked.connect(self.set_photo_aside)
        self.panel = ResultPanel()
        self.panel.outcome_chosen.connect(self.record)
        self.panel.value_edited.connect(self._on_value_edited)
        self.panel.value_entered.connect(self._on_value_entered)
        self.panel.next_requested.connect(lambda: self.step_by(+1))
        self.panel.previous_requested.connect(lambda: self.step_by(-1))
        self.panel.finish_requested.connect(self.request_summary)
        self.panel.photo_slot.addWidget(self.view.photo_strip)
        # While comparing, the checklist shrinks to numbers and states: the comparison takes the width.
        self.view.tabs.currentChanged.connect(lambda index: self._compact_steps(index == COMPARE_TAB))
        split.addWidget(self.steps)
        split.addWidget(self.view)
        split.addWidget(self.panel)
        split.setStretchFactor(1, 1)
        split.setSizes([260, 900, 344])
        self._split = split
        body = QHBoxLayout()
        body.addWidget(split)
        layout.addLayout(body, 1)
        # Values read off a label photo (inspector/ui/inspection/read_values.py).
        self.read_values = ReadValuesPanel(services, self)
        self.read_values.value_filled.connect(self._on_value_read)
        self.read_values.confirmed.connect(lambda _results: self._refresh())
        layout.addWidget(self.read_values)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.request_summary,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+O"), self, self.view.capture.import_from_file,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+R"), self, self.photo_saver.retry_now,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _compact_steps(self, compact: bool) -> None:
        """Narrow the checklist to numbers and states (comparing) or widen it again; the middle takes
        or gives back the difference, the result column stays where it is."""
        if compact == self.steps.compact:
            return
        self.steps.set_compact(compact)
        listed, middle, panel = self._split.sizes()
        wanted = COMPACT_WIDTH if compact else max(FULL_WIDTH, listed)
        self._split.setSizes([wanted, max(0, middle + listed - wanted), panel])

    # --- opening ----------------------------------------------------------------------

    def open(self, actor: Actor, detail: InspectionDetail, resumed: bool = False) -> None:
        """Show the inspection (read by the caller off the GUI thread) at the step where it stopped."""
        self.actor = actor
        self._photo_bytes.clear()
        self.read_values.clear()
        self.detail = detail
        self.read_values.warm_up(detail.checklist)
        inspection = detail.inspection
        state = "Resumed" if resumed else "Started"
        self.header.setText(
            f"<b>{inspection.item.code}</b> · {inspection.brand} {inspection.model} · checklist "
            f"{inspection.checklist_id} v{inspection.checklist_version} · {state} by "
            f"{inspection.authenticator_name} at {inspection.started_at:%H:%M}")
        steps = detail.checklist.steps
        target = inspection.current_step or next(
            (s.id for s in steps if s.id not in detail.results), steps[-1].id)
        self.go_to(target)

    def _refresh(self, then: Any = None) -> None:
        """Read the inspection again off the GUI thread; show it if the user is still on it."""
        if self.detail is None:
            return
        inspection_id, inspections, actor = self.inspection_id, self._services.inspections, self.actor

        def shown(detail: InspectionDetail) -> None:
            if self.detail is None or detail.inspection.id != self.inspection_id:
                return
            self.detail = detail
            self.steps.show_detail(detail, self.step_id)
            if then is not None:
                then()

        run_in_background(lambda: inspections.detail(actor, inspection_id), on_result=shown,  # type: ignore[arg-type]
                          on_error=self._on_failed)

    @property
    def inspection_id(self) -> int:
        assert self.detail is not None
        return self.detail.inspection.id

    def step(self) -> Step:
        assert self.detail is not None and self.step_id is not None
        return self.detail.checklist.step(self.step_id)

    def go_to(self, step_id: str) -> None:
        assert self.detail is not None
        if self.closed:
            return  # an answer that came after the window closed: start no camera on a closed window
        self.step_id = step_id
        self._doubt_confirmed = None
        self._value_problems = ("", [])
        self._record_after_check = False
        steps = self.detail.checklist.steps
        step = self.step()
        number = [s.id for s in steps].index(step_id) + 1
        self.view.show_step(number, len(steps), step, self._reference(step))
        prefill = self.detail.inspection.item.style_code or "" if step.value is not None \
            and str(step.value.kind) == "style_code" else ""
        self.panel.set_step(step, self.detail.results.get(step_id), prefill=prefill)
        read = self.read_values.value_for(self.detail.inspection.id, step_id)
        if read is not None and step_id not in self.detail.results:
            self.panel.set_value(read)
        self.steps.show_detail(self.detail, step_id)
        self._show_step_photos()
        self.view.capture.step_changed()
        if step.value is not None and self.panel.value_edit.text().strip():
            self._on_value_edited(self.panel.value_edit.text())
        self.focus_step()

    def focus_step(self) -> None:
        """A value step types into its value at once (never into shortcuts); other steps take keys."""
        if self.detail is not None and self.step_id is not None and self.step().value is not None:
            self.panel.value_edit.setFocus()
            self.panel.value_edit.selectAll()
        else:
            self.setFocus()

    def _reference(self, step: Step) -> Path | None:
        if not step.references:
            return None
        return self._services.ctx.settings.assets_dir / step.references[0]

    def _show_step_photos(self, with_comparison: bool = True) -> None:
        assert self.detail is not None
        photos = self.detail.photos.get(self.step_id or "", ())
        missing = self.view.show_photos(photos)
        if missing:  # photos from before this session (resumed): reduced decodes off the GUI thread
            assert self.actor is not None
            read, step_id = cached_photo_reader(self._services, self.actor), self.step_id

            def thumbnails_made(images: dict[str, QImage]) -> None:
                for sha256, image in images.items():
                    self.view.add_thumbnail(sha256, image)
                if self.step_id == step_id and self.detail is not None:
                    self.view.show_photos(self.detail.photos.get(step_id or "", ()))

            run_in_background(lambda: {sha: thumbnail_image(read(sha)) for sha in missing},
                              on_result=thumbnails_made, on_error=self._on_failed)
        stored = [self.detail.comparisons.get(p.id) for p in photos]
        latest = next((c for c in reversed(stored) if c is not None), None)
        if latest is not None and with_comparison:
            photo = next(p for p in photos if p.id == latest.photo_id)
            self._show_stored_comparison(photo, latest)
        if any(p.resubmitted_from for p in photos):
            self._warn_resubmitted(next(p for p in photos if p.resubmitted_from))

    def _show_stored_comparison(self, photo: PhotoView, comparison: ComparisonView) -> None:
        """A comparison made before (a resumed or revisited step), rebuilt off the GUI thread."""
        reference = self._reference(self.step())
        if reference is None:
            return
        inspections, actor = self._services.inspections, self.actor
        assert actor is not None

        def read(sha256: str) -> bytes:
            return inspections.photo_bytes(actor, sha256)

        data = self._photo_bytes.get(photo.id)
        prepare = self.view.compare.prepare

        def rebuild() -> tuple[bytes, Comparison, Any]:
            raw = data or read(photo.sha256)
            reference_image = load_image(reference)
            height, width = reference_image.shape[:2]
            result = Comparison.from_stored(
                comparison, (width, height), photo=raw,
                heatmap=read(comparison.heatmap_sha256) if comparison.heatmap_sha256 else None)
            prepared = prepare(reference_image, result) if prepare is not None else None
            return raw, result, prepared

        def show(made: tuple[bytes, Comparison, Any]) -> None:
            if self.step_id == photo.step_id and self.detail and self.inspection_id == photo.inspection_id:
                self.view.compare.show_comparison(reference, made[0],
                                                  ComparisonOutcome(view=comparison, result=made[1]), made[2])

        run_in_background(rebuild, on_result=show, on_error=self._on_failed)

    # --- photos and comparisons -------------------------------------------------------

    def submit_photo(self, data: bytes, source: str = "camera", notes: Any = ()) -> None:
        """Keep the photo (off the GUI thread, retried while storage is away), then compare it."""
        if self.detail is None or self.actor is None or self.step_id is None:
            return
        if not self.photo_saver.pending:
            self.view.banner.show_message("Saving the photo…", "info")
        self.photo_saver.submit(self.actor, self.inspection_id, self.step_id, data, source, notes)

    def _on_photo_saved(self, photo: PhotoView, thumbnail: QImage, data: bytes) -> None:
        self._photo_bytes[photo.id] = data
        here = self.detail is not None and (photo.inspection_id, photo.step_id) == (
            self.inspection_id, self.step_id)
        if here:  # a kept photo may be saved after the authenticator moved on
            self.view.add_thumbnail(photo.sha256, thumbnail)
        self.view.banner.clear_message()
        if self._photo_waited:
            self._photo_waited = False
            self.view.banner.show_message("Storage is back: the kept photo was saved.", "info")
        if self.detail is not None and photo.inspection_id == self.inspection_id:
            def show_photos() -> None:
                if photo.step_id == self.step_id:
                    self._show_step_photos(with_comparison=False)  # this photo's comparison is on its way
            self._refresh(show_photos)
        if photo.resubmitted_from:
            self._warn_resubmitted(photo)
        self.photo_recorded.emit(photo)
        step = self.detail.checklist.step(photo.step_id) if self.detail is not None else None
        if step is not None and step.reads and self.actor is not None:
            self.read_values.start(self.actor, photo.inspection_id, photo.step_id, data)
        if self.detail is not None and self.detail.checklist.step(photo.step_id).references:
            self._compare(photo)

    def set_photo_aside(self) -> None:
        """Set the selected photo aside (audited; its file stays) so the step can be photographed again."""
        photo_id = self.view.selected_photo_id()
        if self.detail is None or self.actor is None or photo_id is None:
            return
        services, actor, inspection_id = self._services, self.actor, self.inspection_id

        def set_aside() -> InspectionDetail:
            services.inspections.set_photo_aside(actor, photo_id, "set aside at the bench to retake")
            return services.inspections.detail(actor, inspection_id)

        def done(detail: InspectionDetail) -> None:
            if self.detail is None or detail.inspection.id != self.inspection_id:
                return
            self.detail = detail
            self.steps.show_detail(detail, self.step_id)
            self._show_step_photos(with_comparison=False)
            self.view.compare.clear()
            self.view.tabs.setCurrentIndex(CAPTURE_TAB)
            self.view.banner.show_message("Photo set aside (kept on record): capture it again (Space).",
                                          "info")

        run_in_background(set_aside, on_result=done, on_error=self._on_failed)

    def _on_photos_resumed(self, count: int) -> None:
        self.view.banner.show_message(f"{count} photo(s) kept from before (the window closed before they "
                                      "were saved) are being saved now.", "info")

    def _warn_resubmitted(self, photo: PhotoView) -> None:
        items = ", ".join(sorted({code for _id, code, _d in photo.resubmitted_from}))
        self.view.banner.show_message(
            f"⚠ This photo looks like one submitted before for another item ({items}). "
            "Check that the photo is of this item; a reused photo is a fraud signal.", "warning")

    def _compare(self, photo: PhotoView) -> None:
        services, actor = self._services, self.actor
        assert actor is not None
        self.view.compare.score_label.setText("Comparing with the reference…")

        prepare, reference = self.view.compare.prepare, self._reference(self.step())

        cached = self._photo_bytes.get(photo.id)

        def compare() -> tuple[Any, Any, bytes]:
            outcome = services.comparisons.compare_photo(actor, photo.id)
            data = cached or services.inspections.photo_bytes(actor, photo.sha256)
            # Warp, colour and scale the images here, not on the GUI thread when first drawn.
            _ = outcome.result.warped, outcome.result.heatmap
            prepared = None
            if prepare is not None and reference is not None:
                prepared = prepare(load_image(reference), outcome.result, outcome)
            return outcome, prepared, data

        run_in_background(compare, on_result=lambda made: self._on_compared(photo, *made),
                          on_error=self._on_failed)

    def _on_compared(self, photo: PhotoView, outcome: Any, prepared: Any, data: bytes) -> None:
        if self.detail is None or photo.inspection_id != self.inspection_id or photo.step_id != self.step_id:
            return  # the user moved on; the comparison is recorded and shows when they come back
        reference = self._reference(self.step())
        if reference is not None:
            self.view.compare.show_comparison(reference, data, outcome, prepared)
            self.view.tabs.setCurrentIndex(COMPARE_TAB)
        self._refresh(lambda: self.comparison_shown.emit(outcome))

    def _on_photo_waiting(self, text: str) -> None:
        self._photo_waited = True
        self.view.banner.show_message(text, "warning")
        self.failed.emit(text)

    def _on_failed(self, exc: BaseException) -> None:
        text = message_for(exc)
        self.view.banner.show_message(text, "error")
        self.failed.emit(text)

    # --- results ----------------------------------------------------------------------

    def record(self, outcome: str) -> None:
        if self.detail is None or self.actor is None or self.step_id is None:
            return
        step = self.step()
        doubt = self._pass_doubt(step) if outcome == "pass" else None
        if doubt is not None and self._doubt_confirmed != (step.id, doubt):
            # One more key to pass anyway: the authenticator sees why before the pass counts.
            self._doubt_confirmed = (step.id, doubt)
            self.panel.banner.show_message(f"{doubt} Press P again to pass anyway.", "warning")
            return
        if self._recording:  # a second key press while the first result is being written
            return
        fail_reason = self.panel.fail_reason() if outcome == "fail" else None
        attempt = (self.inspection_id, step.id, outcome, self.panel.note(), fail_reason, self.panel.value())
        # The same result pressed again after the database went away keeps its client ref: if the
        # first try was committed before the connection broke, the retry records nothing twice.
        if self._record_attempt is None or self._record_attempt[0] != attempt:
            self._record_attempt = (attempt, uuid.uuid4().hex)
        services, actor, client_ref = self._services, self.actor, self._record_attempt[1]
        inspection_id, step_id = self.inspection_id, step.id

        def write() -> tuple[StepResultView, InspectionDetail]:
            # Off the GUI thread: a distant or vanished database must not freeze the bench.
            result = services.inspections.record_step(
                actor, inspection_id, step_id, outcome, note=attempt[3], fail_reason=fail_reason,
                value=attempt[5], client_ref=client_ref)
            return result, services.inspections.detail(actor, inspection_id)

        self._recording = True
        run_in_background(write, on_result=self._on_recorded, on_error=self._on_record_failed)

    def _pass_doubt(self, step: Step) -> str | None:
        """Why a pass of this step deserves a second look, in one sentence; None when it does not."""
        assert self.detail is not None
        photos = self.detail.photos.get(step.id, ())
        if step.required_photos and len(photos) < step.required_photos:
            return (f"This step needs {step.required_photos} photo(s) and has {len(photos)}: passing it "
                    "makes the item inconclusive; capture (Space) to add one.")
        if str(step.severity) not in ("critical", "major"):
            return None
        value = self.panel.value()
        if value is not None and self._value_problems[0] == value and self._value_problems[1]:
            return f"The brand data contradicts {value}: {self._value_problems[1][0]}."
        compared = [self.detail.comparisons[p.id] for p in photos if p.id in self.detail.comparisons]
        if compared:
            latest = compared[-1]
            if not latest.aligned:
                return "The photo could not be aligned on the reference: check it by eye or retake it."
            if latest.score < LOW_SCORE:
                return f"The photo's match with the reference is only {latest.score:.0%}."
        return None

    def _on_recorded(self, outcome: tuple[StepResultView, InspectionDetail]) -> None:
        self._recording = False
        self._record_attempt = None
        result, detail = outcome
        if self.detail is None or detail.inspection.id != self.inspection_id:
            return  # the window moved on to another inspection meanwhile
        self.detail = detail
        self.steps.show_detail(detail, self.step_id)
        self.step_recorded.emit(result)
        if self.step_id == result.step_id:
            self._advance_after(result)

    def _on_record_failed(self, exc: BaseException) -> None:
        self._recording = False
        text = message_for(exc)
        self.panel.show_error(text)
        self.failed.emit(text)

    @property
    def recording(self) -> bool:
        """A step result is being written (step_recorded or failed follows)."""
        return self._recording

    def _advance_after(self, result: StepResultView) -> None:
        assert self.detail is not None
        steps = [s.id for s in self.detail.checklist.steps]
        if result.value_problems:
            self.go_to(result.step_id)  # stay: the brand data disagrees; the user should see why
            self.panel.show_value_check([], list(result.value_problems))
            return
        remaining = [s for s in steps if s not in self.detail.results]
        later = [s for s in remaining if steps.index(s) > steps.index(result.step_id)]
        if later or remaining:
            self.go_to((later or remaining)[0])
        else:
            self.request_summary()

    def _on_value_read(self, step_id: str, value: str) -> None:
        """A value read off the photo fills the current step's field, unless already recorded."""
        if self.detail is not None and step_id == self.step_id and step_id not in self.detail.results:
            self.panel.set_value(value)

    def _on_value_edited(self, text: str) -> None:
        """Check the value against the brand data off the GUI thread; show what it says."""
        if self.detail is None or self.step_id is None or not text.strip():
            self.panel.show_value_check([], [])
            return
        check, actor = self._services.inspections.check_value, self.actor
        inspection_id, step_id = self.inspection_id, self.step_id

        def shown(checked: tuple[list[str], list[str]]) -> None:
            if (self.step_id, self.panel.value_edit.text()) != (step_id, text):
                return  # typed on meanwhile: a newer check follows
            facts, problems = checked
            self._value_problems = (text.strip(), list(problems))
            self.panel.show_value_check(facts, problems)
            if self._record_after_check:
                self._record_after_check = False
                self.record("pass")

        def refused(exc: BaseException) -> None:
            self._record_after_check = False
            self.panel.show_value_check([], [message_for(exc)])

        run_in_background(lambda: check(actor, inspection_id, step_id, text),  # type: ignore[arg-type]
                          on_result=shown, on_error=refused)

    def _on_value_entered(self, text: str) -> None:
        """Enter in the value field records a pass once the value is checked (it may ask once more)."""
        if self._value_problems[0] == text.strip():
            self.record("pass")
        else:
            self._record_after_check = True
            self._on_value_edited(text)

    def step_by(self, delta: int) -> None:
        if self.detail is None or self.step_id is None:
            return
        steps = [s.id for s in self.detail.checklist.steps]
        index = max(0, min(len(steps) - 1, steps.index(self.step_id) + delta))
        self.go_to(steps[index])

    def request_summary(self) -> None:
        if self.detail is not None:
            self.summary_requested.emit(self.inspection_id)

    # --- scans and keys ---------------------------------------------------------------

    def on_code_scanned(self, code: str) -> None:
        """A value step takes the scan as its value; anywhere else it names another item."""
        if self.detail is not None and self.step_id is not None and self.step().value is not None:
            self.panel.set_value(code)
            return
        if self.detail is not None and code == self.detail.inspection.item.code:
            return
        self.other_item_scanned.emit(code)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = _KEY_ACTIONS.get(Qt.Key(event.key()))
        if event.key() == Qt.Key.Key_Escape:
            self.setFocus()  # leave the text field: the one-letter keys work again
            return
        if is_text_entry(QApplication.focusWidget()):
            super().keyPressEvent(event)  # one-letter keys act only outside text fields
            return
        if action is None or event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                                  | Qt.KeyboardModifier.AltModifier):
            super().keyPressEvent(event)
            return
        self.run_action(action)

    def run_action(self, action: str) -> None:
        if action == "capture":
            if not self.view.capture.capture():
                self.view.banner.show_message("No live camera here: import the photo (Ctrl+O).", "info")
        elif action in ("pass", "fail", "unsure"):
            self.panel.choose(action)
        elif action == "next":
            self.step_by(+1)
        elif action == "previous":
            self.step_by(-1)
        elif action == "confirm_read":
            self.read_values.confirm()
        elif action == "set_aside":
            self.set_photo_aside()
        elif action == "zoom_in":
            self.view.compare.zoom(+1)
        elif action == "zoom_out":
            self.view.compare.zoom(-1)

    def shut_down(self, *, for_good: bool = False) -> None:
        """Stop the camera (leaving the inspection); `for_good` when the window closes."""
        self.closed = self.closed or for_good
        self.view.capture.stop()
