"""The right-hand column: the value (typed or scanned), the note, the fail reason, pass/fail/unsure."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector.domain.checklist import Step
from inspector.domain.verdict import FailReason
from inspector.services.views import StepResultView
from inspector.ui import theme
from inspector.ui.inspection.note_edit import NoteEdit
from inspector.ui.widgets import Banner

FAIL_REASONS = {
    FailReason.COUNTERFEIT: "Counterfeit",
    FailReason.DEFECT: "Manufacturing defect",
    FailReason.DAMAGE: "Damage",
    FailReason.WRONG_ITEM: "Wrong item",
    FailReason.USED: "Used / worn",
    FailReason.POOR_PHOTO: "Photo not good enough",
    FailReason.OTHER: "Other",
}


NOTE_HINT = "Note (required for fail and unsure)"


class ResultPanel(QWidget):
    """Emits outcome_chosen("pass"|"fail"|"unsure") and value_edited(text) (debounced)."""

    outcome_chosen = Signal(str)
    value_edited = Signal(str)
    value_entered = Signal(str)  # Enter in the value field: check the value, then record a pass
    next_requested = Signal()
    previous_requested = Signal()
    finish_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(344)  # "Fail reason" and its list side by side, unclipped
        self.setMaximumWidth(420)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)

        self.value_box = QGroupBox("Value")
        value_layout = QVBoxLayout(self.value_box)
        self.value_edit = QLineEdit(placeholderText="Type or scan the value")
        self.value_edit.setObjectName("value")
        self.value_check = QLabel()
        self.value_check.setWordWrap(True)
        self.value_check.setTextFormat(Qt.TextFormat.RichText)
        value_layout.addWidget(self.value_edit)
        value_layout.addWidget(self.value_check)
        layout.addWidget(self.value_box)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(lambda: self.value_edited.emit(self.value_edit.text()))
        self.value_edit.textEdited.connect(lambda _t: self._debounce.start())
        self.value_edit.returnPressed.connect(self._on_value_entered)

        result_box = QGroupBox("Result")
        form = QFormLayout(result_box)
        self.note_edit = NoteEdit()
        self.note_edit.setPlaceholderText(NOTE_HINT)
        self.note_edit.setObjectName("note")
        self.note_edit.returnPressed.connect(self._on_note_entered)
        self.canned_label = QLabel()  # the step's canned notes and their keys
        self.canned_label.setWordWrap(True)
        self.canned_label.setTextFormat(Qt.TextFormat.RichText)
        self.reason_combo = QComboBox()
        self.reason_combo.addItem("— choose why it fails —", "")
        for reason, label in FAIL_REASONS.items():
            self.reason_combo.addItem(label, reason.value)
        self.reason_combo.activated.connect(self._on_reason_chosen)
        form.addRow("Note", self.note_edit)
        form.addRow(self.canned_label)
        form.addRow("Fail reason", self.reason_combo)
        buttons = QGridLayout()
        self.pass_button = self._button("Pass  (P)", "pass", lambda: self.choose("pass"))
        self.fail_button = self._button("Fail  (F)", "fail", lambda: self.choose("fail"))
        self.unsure_button = self._button("Unsure  (U)", "unsure", lambda: self.choose("unsure"))
        buttons.addWidget(self.pass_button, 0, 0, 1, 2)
        buttons.addWidget(self.fail_button, 1, 0)
        buttons.addWidget(self.unsure_button, 1, 1)
        form.addRow(buttons)
        self.recorded_label = QLabel()
        self.recorded_label.setWordWrap(True)
        form.addRow(self.recorded_label)
        layout.addWidget(result_box)
        self.banner = Banner()
        layout.addWidget(self.banner)
        self.photo_slot = QVBoxLayout()  # the step's photos (StepView.photo_strip), put here by the page
        layout.addLayout(self.photo_slot)
        layout.addStretch(1)

        nav = QGridLayout()
        self.previous_button = self._button("← Previous  (B)", "", self.previous_requested.emit)
        self.next_button = self._button("Next  (N) →", "", self.next_requested.emit)
        self.finish_button = self._button("Finish…  (Ctrl+Enter)", "primary", self.finish_requested.emit)
        nav.addWidget(self.previous_button, 0, 0)
        nav.addWidget(self.next_button, 0, 1)
        nav.addWidget(self.finish_button, 1, 0, 1, 2)
        layout.addLayout(nav)
        self.pending: str | None = None
        self._step: Step | None = None

    def _button(self, text: str, role: str, slot: Callable[..., object]) -> QPushButton:
        button = QPushButton(text)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the page's shortcuts
        if role:
            button.setProperty("role", role)
        button.clicked.connect(slot)
        return button

    def set_step(self, step: Step, result: StepResultView | None, enabled: bool = True,
                 prefill: str = "") -> None:
        self._step = step
        self.pending = None
        self.banner.clear_message()
        self.value_box.setVisible(step.value is not None)
        if step.value is not None:
            self.value_box.setTitle((step.value.label or str(step.value.kind).replace("_", " ")).capitalize())
            self.value_edit.setText(result.value or "" if result else "")
            self.value_check.setText("")
        self.note_edit.setText(result.note if result else "")
        self.note_edit.set_canned_notes(step.notes)
        self.note_edit.setPlaceholderText(f"{NOTE_HINT} · 1–{len(step.notes)}: canned notes"
                                          if step.notes else NOTE_HINT)
        self.canned_label.setText(" · ".join(f"<b>{number}</b>&nbsp;{html.escape(note)}"
                                             for number, note in enumerate(step.notes, start=1)))
        self.canned_label.setVisible(bool(step.notes))
        if step.value is not None and not self.value_edit.text() and prefill:
            self.value_edit.setText(prefill)  # typed in the no-match dialog: not asked twice
        index = self.reason_combo.findData(result.fail_reason if result and result.fail_reason else "")
        self.reason_combo.setCurrentIndex(max(0, index))
        if result is None:
            self.recorded_label.setText("Not recorded yet.")
        else:
            colour = {"pass": theme.PASS, "fail": theme.FAIL}.get(result.outcome, theme.UNSURE)
            self.recorded_label.setText(
                f"Recorded: <b style='color:{colour}'>{result.outcome.upper()}</b> "
                f"by you at {result.recorded_at:%H:%M:%S}. Press P, F or U to change it.")
        for widget in (self.pass_button, self.fail_button, self.unsure_button, self.note_edit,
                       self.reason_combo, self.value_edit):
            widget.setEnabled(enabled)

    def choose(self, outcome: str) -> None:
        """Pass records at once; fail and unsure first ask for the note (and the reason)."""
        self.pending = outcome
        if outcome != "pass" and not self.note_edit.text().strip():
            self.banner.show_message(
                f"Say why it is {outcome} in the note, then press Enter." if outcome == "unsure" else
                "Choose the fail reason and say why in the note, then press Enter.", "warning")
            self.note_edit.setFocus()
            return
        if outcome == "fail" and not self.reason_combo.currentData():
            self.banner.show_message("Choose why the step fails, then press F again.", "warning")
            self.reason_combo.setFocus()
            return
        self.banner.clear_message()
        self.outcome_chosen.emit(outcome)

    def _on_note_entered(self) -> None:
        if self.pending:
            self.choose(self.pending)
        else:
            self.banner.show_message("Press Esc, then P, F or U to record the step with this note.", "info")

    def _on_reason_chosen(self, _index: int) -> None:
        # Choosing a reason never records: the note may be half written. Enter (or F) records.
        if self.reason_combo.currentData():
            self.pending = "fail"
            self.banner.show_message("Finish the note, then press Enter to record the fail.", "info")
            self.note_edit.setFocus()

    def _on_value_entered(self) -> None:
        self._debounce.stop()
        if self.value_edit.text().strip():
            self.value_entered.emit(self.value_edit.text())

    def set_value(self, text: str) -> None:
        """A scanned value: exactly what was scanned, checked at once; Enter then records."""
        self.value_edit.setText(text)
        self._debounce.stop()
        self.value_edited.emit(text)
        self.value_edit.setFocus()

    def show_value_check(self, facts: list[str], problems: list[str]) -> None:
        lines = [f"<span style='color:{theme.PASS}'>✓ {fact}</span>" for fact in facts]
        lines += [f"<span style='color:{theme.FAIL}'><b>✗ {problem}</b></span>" for problem in problems]
        self.value_check.setText("<br>".join(lines))

    def value(self) -> str | None:
        return self.value_edit.text().strip() or None if self._step and self._step.value else None

    def note(self) -> str:
        return self.note_edit.text().strip()

    def fail_reason(self) -> str | None:
        return self.reason_combo.currentData() or None

    def show_error(self, text: str) -> None:
        self.banner.show_message(text, "error")
