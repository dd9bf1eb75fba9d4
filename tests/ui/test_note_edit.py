"""The note field's canned notes (keys 1-9), key by key: what is written and when digits stay digits."""

from __future__ import annotations

from PySide6.QtCore import Qt

from inspector.ui.inspection.note_edit import NoteEdit

NOTES = ("Glue marks on the toe", "Uneven stitching")


def _field(qtbot) -> NoteEdit:
    field = NoteEdit()
    qtbot.addWidget(field)
    field.set_canned_notes(NOTES)
    return field


def test_digits_write_canned_notes_into_an_empty_field_then_type_plainly(qtbot) -> None:
    field = _field(qtbot)
    qtbot.keyClicks(field, "21, 3 times")
    assert field.text() == "Uneven stitching; Glue marks on the toe, 3 times"


def test_a_digit_with_no_such_note_or_after_typing_is_a_digit(qtbot) -> None:
    field = _field(qtbot)
    qtbot.keyClicks(field, "7 mm")
    assert field.text() == "7 mm"
    field.clear()
    qtbot.keyClicks(field, "scratch 1")
    assert field.text() == "scratch 1"


def test_ctrl_digit_and_a_step_without_notes_write_nothing_canned(qtbot) -> None:
    field = _field(qtbot)
    qtbot.keyClick(field, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert field.text() == ""
    field.set_canned_notes(())
    qtbot.keyClicks(field, "12")
    assert field.text() == "12"
