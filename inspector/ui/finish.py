"""The end of an inspection: every step at a glance, the proposed verdict, confirm, then print."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.domain.verdict import ProposedVerdict
from inspector.security.roles import Actor
from inspector.services.station import StationServices
from inspector.services.views import InspectionDetail, InspectionView
from inspector.ui import theme
from inspector.ui.background import run_in_background
from inspector.ui.inspection.states import state_colour, state_icon, step_status
from inspector.ui.print_bridge import PrintPanel
from inspector.ui.widgets import Banner, cached_photo_reader, message_for, thumbnail_image, title_label

VERDICT_LOOK = {
    "pass": (theme.PASS, "PASS", "Authentic: the item can ship."),
    "fail": (theme.FAIL, "FAIL", "The item does not pass."),
    "inconclusive": (theme.UNSURE, "INCONCLUSIVE", "Escalated to a supervisor for a second look."),
}


class FinishPage(QWidget):
    back_requested = Signal()
    next_item_requested = Signal()
    finished = Signal(object)  # InspectionView
    shown = Signal(int)  # inspection id, once its summary is on the page

    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.actor: Actor | None = None
        self.detail: InspectionDetail | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        self.heading = title_label("Summary")
        layout.addWidget(self.heading)
        self.verdict_label = QLabel()
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.verdict_label)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["", "Step", "Result", "Value / note", "Photo"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(0, 48)
        self.table.setColumnWidth(4, 150)
        self.table.setIconSize(QSize(128, 96))
        layout.addWidget(self.table, 1)
        self.banner = Banner()
        layout.addWidget(self.banner)
        self.print_panel = PrintPanel(services)
        layout.addWidget(self.print_panel)
        row = QHBoxLayout()
        self.back_button = QPushButton("← Back to the steps  (Esc)")
        self.back_button.clicked.connect(self.back_requested.emit)
        self.confirm_button = QPushButton("Confirm verdict  (Ctrl+Enter)")
        self.confirm_button.setProperty("role", "primary")
        self.confirm_button.clicked.connect(self.confirm)
        self.next_button = QPushButton("Next item  (scan it)")
        self.next_button.clicked.connect(self.next_item_requested.emit)
        self.second_opinion_button = QPushButton("Ask for a second opinion…")
        self.second_opinion_button.clicked.connect(self._on_second_opinion_clicked)
        row.addWidget(self.back_button)
        row.addWidget(self.second_opinion_button)
        row.addStretch(1)
        row.addWidget(self.confirm_button)
        row.addWidget(self.next_button)
        layout.addLayout(row)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.confirm,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Escape"), self, self._on_escape,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._thumbs: dict[str, QIcon] = {}
        self._confirming = False
        self._unchecked_named: int | None = None

    def show_inspection(self, actor: Actor, inspection_id: int,
                        message: tuple[str, str] | None = None) -> None:
        """Read the inspection off the GUI thread, then show it (and `message`); `shown` follows."""
        inspections = self._services.inspections

        def show(detail: InspectionDetail) -> None:
            self.show_detail(actor, detail)
            if message is not None:
                self.banner.show_message(*message)
            self.shown.emit(inspection_id)

        run_in_background(lambda: inspections.detail(actor, inspection_id), on_result=show,
                          on_error=lambda exc: self.banner.show_message(message_for(exc), "error"))

    def show_detail(self, actor: Actor, detail: InspectionDetail) -> None:
        self.actor = actor
        self.detail = detail
        inspection_id = detail.inspection.id
        self.banner.clear_message()
        self._unchecked_named = None
        self.print_panel.reset(inspection_id, available=self.detail.inspection.finished,
                               verdict=self.detail.inspection.verdict, actor=actor)
        self._fill()

    def _fill(self) -> None:
        assert self.detail is not None
        detail, inspection = self.detail, self.detail.inspection
        self.heading.setText(f"Summary · {inspection.item.code} · {inspection.brand} {inspection.model}")
        proposal = detail.proposal or self._proposal(inspection.id)
        verdict = inspection.verdict or str(proposal.verdict)
        colour, word, meaning = VERDICT_LOOK[verdict]
        state = "Recorded verdict" if inspection.finished else "Proposed verdict"
        reasons = "".join(f"<li>{r.text}</li>" for r in proposal.reasons) if not inspection.finished else \
            "".join(f"<li>{line}</li>" for line in inspection.summary.splitlines() if line)
        self.verdict_label.setText(
            f"<span style='font-size:13pt'>{state}:</span> "
            f"<span style='font-size:24pt; font-weight:bold; color:{colour}'>{word}</span>"
            f"<span style='font-size:13pt'> — {meaning}</span><ul>{reasons}</ul>")
        self.table.setRowCount(len(detail.checklist.steps))
        missing: list[str] = []
        for row, step in enumerate(detail.checklist.steps):
            status = step_status(detail, step)
            result = detail.results.get(step.id)
            state_item = QTableWidgetItem(state_icon(status.state), "")
            state_item.setToolTip(str(status.state))
            self.table.setItem(row, 0, state_item)
            self.table.setItem(row, 1, QTableWidgetItem(step.title))
            outcome = QTableWidgetItem(str(status.state).upper())
            outcome.setForeground(state_colour(status.state))
            self.table.setItem(row, 2, outcome)
            parts = [f"{step.value.label or step.value.kind}: {result.value}"] if result and result.value \
                and step.value else []
            if result and result.fail_reason:
                parts.append(f"reason: {result.fail_reason}")
            if result and result.note:
                parts.append(result.note)
            parts += [f"⚠ {p}" for p in (result.value_problems if result else ())]
            text = QTableWidgetItem(" · ".join(parts) or ("—" if result else "not recorded"))
            if result is None:
                text.setForeground(QColor(theme.PENDING))
            self.table.setItem(row, 3, text)
            photos = detail.photos.get(step.id, ())
            thumb = QTableWidgetItem(f"{len(photos)}/{step.required_photos}" if step.required_photos else "")
            if photos:
                sha256 = photos[-1].sha256
                thumb.setData(Qt.ItemDataRole.UserRole, sha256)
                if sha256 in self._thumbs:
                    thumb.setIcon(self._thumbs[sha256])
                else:
                    missing.append(sha256)
            self.table.setItem(row, 4, thumb)
            self.table.setRowHeight(row, 104)
        if missing:
            self._load_thumbnails(missing)
        finished = inspection.finished
        self.confirm_button.setVisible(not finished)
        self.back_button.setVisible(not finished)
        self.second_opinion_button.setVisible(not finished and not inspection.second_opinion)
        self.next_button.setVisible(finished)

    def _proposal(self, inspection_id: int) -> ProposedVerdict:
        assert self.actor is not None
        return self._services.inspections.propose(self.actor, inspection_id)

    def _load_thumbnails(self, missing: list[str]) -> None:
        """Thumbnails the summary has not shown yet, made off the GUI thread, then put in place."""
        if self.actor is None:
            return
        read = cached_photo_reader(self._services, self.actor)

        def make() -> dict[str, QImage]:
            return {sha256: thumbnail_image(read(sha256), 192) for sha256 in missing}

        run_in_background(make, on_result=self._show_thumbnails,
                          on_error=lambda exc: self.banner.show_message(message_for(exc), "error"))

    def _show_thumbnails(self, images: dict[str, QImage]) -> None:
        for sha256, image in images.items():
            self._thumbs[sha256] = QIcon(QPixmap.fromImage(image))
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 4)
            key = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
            if item is not None and key in self._thumbs:
                item.setIcon(self._thumbs[key])

    def confirm(self) -> None:
        """Finish with the verdict on screen (off the GUI thread: the verdict, its audit event and
        the certificate are one transaction); the service refuses if results changed since."""
        if self.detail is None or self.actor is None or self.detail.inspection.finished \
                or self._confirming:
            return
        actor, inspection_id = self.actor, self.detail.inspection.id
        expected = (self.detail.proposal or self._proposal(inspection_id)).verdict
        unchecked = [step.title for step in self.detail.checklist.steps if step.id not in self.detail.results]
        if unchecked and self._unchecked_named != inspection_id:
            # Confirming with steps never looked at takes a second, informed press.
            self._unchecked_named = inspection_id
            self.banner.show_message(
                f"{len(unchecked)} of {len(self.detail.checklist.steps)} steps are not checked: "
                f"{', '.join(unchecked)}. Press Confirm (Ctrl+Enter) again to record {str(expected).upper()} "
                "anyway, or Esc to go back to the steps.", "warning")
            return
        self._confirming = True
        self.confirm_button.setEnabled(False)
        self.banner.show_message("Recording the verdict…", "info")
        inspections = self._services.inspections

        def finish() -> tuple[InspectionView, InspectionDetail]:
            view = inspections.finish(actor, inspection_id, expected=expected)
            return view, inspections.detail(actor, inspection_id)

        run_in_background(finish, on_result=lambda made: self._on_confirmed(actor, *made),
                          on_error=lambda exc: self._on_refused(actor, inspection_id, exc))

    def _on_refused(self, actor: Actor, inspection_id: int, exc: BaseException) -> None:
        self._confirming = False
        self.confirm_button.setEnabled(True)
        self.show_inspection(actor, inspection_id, (message_for(exc), "error"))

    def _on_confirmed(self, actor: Actor, view: InspectionView, detail: InspectionDetail) -> None:
        self._confirming = False
        self.confirm_button.setEnabled(True)
        self.show_detail(actor, detail)
        self.banner.show_message("Verdict recorded." + (" The item goes to a supervisor." if view.escalated
                                                         else ""), "info")
        if view.verdict == "pass" and self._services.ctx.settings.print_tag_on_pass \
                and self.print_panel.isVisibleTo(self):
            self.print_panel.print_tag_now(interactive=False)
        self.finished.emit(view)

    def _on_second_opinion_clicked(self) -> None:
        """Flag the item for a supervisor's look; the verdict still comes from the results."""
        if self.detail is None or self.actor is None:
            return
        note, ok = QInputDialog.getText(self, "Second opinion", "What should a supervisor look at?")
        if not ok:
            return
        actor, inspection_id, inspections = self.actor, self.detail.inspection.id, self._services.inspections
        run_in_background(
            lambda: inspections.request_second_opinion(actor, inspection_id, note),
            on_result=lambda _view: self.show_inspection(
                actor, inspection_id, ("A supervisor will take a second look after you confirm.", "info")),
            on_error=lambda exc: self.banner.show_message(message_for(exc), "error"))

    def _on_escape(self) -> None:
        if self.detail is not None and not self.detail.inspection.finished:
            self.back_requested.emit()
