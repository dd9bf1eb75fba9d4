"""The station's look: Fusion, a palette that follows the system's dark mode, bench-sized targets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

# Colours that carry meaning on the bench: the same in light and dark mode so they read as states.
PASS = "#2e9d57"
FAIL = "#d64545"
UNSURE = "#d99a1e"
PENDING = "#7a8594"
WARNING = "#e0a800"
ACCENT = "#3d8fd6"

MIN_TARGET_PX = 44  # touch/glove-friendly minimum height of anything clickable

_STYLESHEET = f"""
QPushButton, QToolButton, QComboBox, QLineEdit, QSpinBox {{ min-height: {MIN_TARGET_PX}px; }}
QPushButton {{ padding: 0 16px; }}
QPushButton[role="pass"] {{ background: {PASS}; color: white; font-weight: bold; }}
QPushButton[role="fail"] {{ background: {FAIL}; color: white; font-weight: bold; }}
QPushButton[role="unsure"] {{ background: {UNSURE}; color: black; font-weight: bold; }}
QPushButton[role="primary"] {{ background: {ACCENT}; color: white; font-weight: bold; }}
QPushButton:disabled {{ background: palette(button); color: palette(mid); }}
QLabel[role="title"] {{ font-size: 20pt; font-weight: bold; }}
QLabel[role="subtitle"] {{ font-size: 13pt; color: palette(placeholder-text); }}
QLabel[role="banner-warning"] {{ background: {WARNING}; color: black; padding: 8px; border-radius: 4px;
                                 font-weight: bold; }}
QLabel[role="banner-error"] {{ background: {FAIL}; color: white; padding: 8px; border-radius: 4px; }}
QLabel[role="banner-info"] {{ background: palette(alternate-base); padding: 8px; border-radius: 4px; }}
"""


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    palette = QPalette()
    window, base, text = QColor(37, 39, 43), QColor(28, 30, 33), QColor(232, 234, 237)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.Window, window)
        palette.setColor(group, QPalette.ColorRole.WindowText, text)
        palette.setColor(group, QPalette.ColorRole.Base, base)
        palette.setColor(group, QPalette.ColorRole.AlternateBase, QColor(48, 51, 56))
        palette.setColor(group, QPalette.ColorRole.Text, text)
        palette.setColor(group, QPalette.ColorRole.Button, QColor(52, 55, 61))
        palette.setColor(group, QPalette.ColorRole.ButtonText, text)
        palette.setColor(group, QPalette.ColorRole.ToolTipBase, QColor(52, 55, 61))
        palette.setColor(group, QPalette.ColorRole.ToolTipText, text)
        palette.setColor(group, QPalette.ColorRole.Highlight, QColor(ACCENT))
        palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor("white"))
        palette.setColor(group, QPalette.ColorRole.PlaceholderText, QColor(150, 155, 162))
        palette.setColor(group, QPalette.ColorRole.Link, QColor(110, 170, 230))
        palette.setColor(group, QPalette.ColorRole.Mid, QColor(90, 94, 100))
    disabled = QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(disabled, role, QColor(120, 124, 130))
    palette.setColor(disabled, QPalette.ColorRole.Window, window)
    palette.setColor(disabled, QPalette.ColorRole.Base, base)
    palette.setColor(disabled, QPalette.ColorRole.Button, QColor(45, 47, 52))
    return palette


def apply_theme(app: QApplication, *, dark: bool | None = None) -> None:
    """Fusion with the system's light or dark palette, a readable font and bench-sized targets."""
    app.setStyle("Fusion")
    use_dark = system_prefers_dark() if dark is None else dark
    app.setPalette(dark_palette() if use_dark else app.style().standardPalette())
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), 11.5))
    app.setFont(font)
    app.setStyleSheet(_STYLESHEET)


def follow_system_theme(app: QApplication) -> None:
    """Switch palettes when the system switches (evening dark mode) without a restart."""
    QGuiApplication.styleHints().colorSchemeChanged.connect(
        lambda scheme: apply_theme(app, dark=scheme == Qt.ColorScheme.Dark)
    )
