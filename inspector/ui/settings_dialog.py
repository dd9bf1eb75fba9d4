"""Station settings: camera, hot folder, printers, label size, station name; kept in the settings file."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from inspector.config import Settings, save_settings
from inspector.printing.tags import TAG_SIZES

LABEL_SIZES = tuple(TAG_SIZES)


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Station settings")
        self.setMinimumWidth(620)
        self._settings = settings
        form = QFormLayout(self)
        self.station_edit = QLineEdit(settings.station_name)
        self.camera_combo = QComboBox()
        self.camera_combo.setEditable(True)
        for index in range(4):
            self.camera_combo.addItem(f"{index}")
        self.camera_combo.setCurrentText(settings.camera)
        camera_row = self._with_browse(self.camera_combo, self._browse_camera)
        self.hot_folder_edit = QLineEdit(settings.hot_folder)
        self.hot_folder_edit.setPlaceholderText("Folder the tethering software writes photos to")
        hot_row = self._with_browse(self.hot_folder_edit, self._browse_hot_folder)
        self.printer_combo = QComboBox()
        self.printer_combo.addItem("(system default)", "")
        for name in QPrinterInfo.availablePrinterNames():
            self.printer_combo.addItem(name, name)
        if settings.printer and self.printer_combo.findData(settings.printer) < 0:
            self.printer_combo.addItem(settings.printer, settings.printer)
        self.printer_combo.setCurrentIndex(max(0, self.printer_combo.findData(settings.printer)))
        self.label_combo = QComboBox()
        self.label_combo.addItems(LABEL_SIZES)
        if settings.label_size not in LABEL_SIZES:
            self.label_combo.addItem(settings.label_size)
        self.label_combo.setCurrentText(settings.label_size)
        self.label_printer_edit = QLineEdit(settings.label_printer)
        self.label_printer_edit.setPlaceholderText(
            "zebra-1.local or 10.0.0.20:9100 (empty: the printer above)")
        self.print_on_pass_check = QCheckBox("Print the tag as soon as a pass is confirmed")
        self.print_on_pass_check.setChecked(settings.print_tag_on_pass)
        form.addRow("Station name", self.station_edit)
        form.addRow("Camera", camera_row)
        form.addRow("", QLabel("A device number (0, 1, …), or a video file / image folder for demos."))
        form.addRow("Hot folder", hot_row)
        form.addRow("Printer", self.printer_combo)
        form.addRow("Label size", self.label_combo)
        form.addRow("Label printer (ZPL)", self.label_printer_edit)
        form.addRow("", self.print_on_pass_check)
        self.scanner_prefix_edit = QLineEdit(settings.scanner_prefix)
        self.scanner_prefix_edit.setPlaceholderText("What the scanner sends before each code (optional)")
        self.scanner_suffix_edit = QLineEdit(settings.scanner_suffix)
        self.scanner_suffix_edit.setPlaceholderText("…and after it, before Enter (optional)")
        form.addRow("Scanner prefix", self.scanner_prefix_edit)
        form.addRow("Scanner suffix", self.scanner_suffix_edit)
        self.auto_capture_check = QCheckBox("Take the photo when framing and sharpness hold steady (~0.5 s)")
        self.auto_capture_check.setChecked(settings.auto_capture)
        form.addRow("", self.auto_capture_check)
        form.addRow("Saved in", QLabel(str(settings.settings_file)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():  # Enter in a field never saves: only a click on Save does
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)
        form.addRow(buttons)

    def _with_browse(self, field: QWidget, browse: Callable[..., object]) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(field, 1)
        button = QPushButton("Browse…")
        button.clicked.connect(browse)
        layout.addWidget(button)
        return row

    def _browse_camera(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Video file as camera", "",
                                              "Video (*.mp4 *.avi *.mkv *.mov)")
        if path:
            self.camera_combo.setCurrentText(path)

    def _browse_hot_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Hot folder", self.hot_folder_edit.text())
        if path:
            self.hot_folder_edit.setText(path)

    def chosen(self) -> Settings:
        return self._settings.with_changes(
            station_name=self.station_edit.text().strip() or self._settings.station_name,
            camera=self.camera_combo.currentText().strip() or "0",
            hot_folder=self.hot_folder_edit.text().strip(),
            printer=self.printer_combo.currentData() or "",
            label_size=self.label_combo.currentText(),
            label_printer=self.label_printer_edit.text().strip(),
            print_tag_on_pass=self.print_on_pass_check.isChecked(),
            scanner_prefix=self.scanner_prefix_edit.text(),
            scanner_suffix=self.scanner_suffix_edit.text(),
            auto_capture=self.auto_capture_check.isChecked(),
        )

    def save(self) -> Settings:
        settings = self.chosen()
        save_settings(settings)
        return settings
