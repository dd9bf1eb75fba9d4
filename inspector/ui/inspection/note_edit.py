"""The note field of a step: keys 1-9 write the step's canned notes (docs/checklists.md)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

JOIN = "; "


class NoteEdit(QLineEdit):
    """A digit writes canned note N while the field is empty or holds only canned notes just written;
    once anything else is typed, digits are plain characters (a note keeps every one of them)."""

    canned_note_written = Signal(int)  # the note's number, 1-9

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._canned: tuple[str, ...] = ()
        self._written = ""  # the text as the last canned note left it

    def set_canned_notes(self, notes: tuple[str, ...] | list[str]) -> None:
        self._canned = tuple(notes)
        self._written = ""

    @property
    def canned_notes(self) -> tuple[str, ...]:
        return self._canned

    def takes_canned_note(self) -> bool:
        text = self.text()
        return bool(self._canned) and (not text.strip() or text == self._written)

    def write_canned_note(self, number: int) -> bool:
        """Add note `number` (1-based) to the field; False when the step has no such note."""
        if not 1 <= number <= len(self._canned):
            return False
        note = self._canned[number - 1]
        current = self.text().strip()
        self.setText(f"{current}{JOIN}{note}" if current else note)
        self._written = self.text()
        self.canned_note_written.emit(number)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        held = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        plain = not event.modifiers() & held
        if plain and len(text) == 1 and text in "123456789" and self.takes_canned_note() \
                and self.write_canned_note(int(text)):
            event.accept()
            return
        super().keyPressEvent(event)
