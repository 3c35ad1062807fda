"""The export dialog's format rows: file type, quality, size, background colour, size limit.

Shows one ExportSettings and reads the user's edits back onto one; the dialog owns the rows'
place in its form, so labels line up with the rest of it."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QWidget,
)

from studio.core.export import ExportFormat, ExportSettings, Resize, ResizeMode
from studio.core.export.presets import Colour
from studio.core.export.user_presets import format_colour

MAX_SIDE = 16384
_FORMATS = (
    ("Original file", ExportFormat.ORIGINAL),
    ("PNG", ExportFormat.PNG),
    ("JPEG", ExportFormat.JPEG),
    ("WebP", ExportFormat.WEBP),
)
_SIZES = (
    ("Original size", ResizeMode.NONE),
    ("Long edge", ResizeMode.LONG_EDGE),
    ("Exact size, crop to fill", ResizeMode.FILL),
    ("Exact size, pad to fit", ResizeMode.FIT),
)


def _combo(name: str, tip: str, items: tuple[tuple[str, object], ...]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.setToolTip(tip)
    for text, data in items:
        combo.addItem(text, data)
    return combo


def _pixels(name: str, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(1, MAX_SIDE)
    spin.setSuffix(" px")
    spin.setAccessibleName(name)
    spin.setToolTip(tip)
    return spin


def _add_row(form: QFormLayout, label: str, buddy: QWidget, *rest: QWidget) -> None:
    row = QHBoxLayout()
    for widget in (buddy, *rest):
        row.addWidget(widget)
    row.addStretch(1)
    title = QLabel(label)
    title.setBuddy(buddy)
    form.addRow(title, row)


class FormatControls(QObject):
    """Not a widget of its own: `add_rows` puts the controls into the dialog's form."""

    changed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self._colour: Colour = (255, 255, 255)

        self.format = _combo("Format", "The file type written", _FORMATS)
        self.quality = QSpinBox()
        self.quality.setRange(1, 100)
        self.quality.setPrefix("Quality ")
        self.quality.setAccessibleName("Quality")
        self.quality.setToolTip("JPEG and WebP quality, 1 to 100")
        self.lossless = QCheckBox("Lossless")
        self.lossless.setAccessibleName("Lossless WebP")
        self.lossless.setToolTip("WebP that keeps every pixel exactly")
        self.limit = QDoubleSpinBox()
        self.limit.setRange(0, 50)
        self.limit.setDecimals(1)
        self.limit.setSingleStep(0.5)
        self.limit.setPrefix("At most ")
        self.limit.setSuffix(" MB")
        self.limit.setSpecialValueText("No size limit")
        self.limit.setAccessibleName("Size limit")
        self.limit.setToolTip("Lower the quality step by step until each file fits")

        self.resize = _combo(
            "Resize", "Keep the size, or scale to a long edge or exact size", _SIZES
        )
        self.width = _pixels("Width", "Width, or the long edge")
        self.times = QLabel("×")
        self.height = _pixels("Height", "Height")
        self.colour = QToolButton()
        self.colour.setAccessibleName("Background colour")
        self.colour.setToolTip("What padding and, in JPEG, transparent areas become")
        self.colour.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.colour.clicked.connect(self._choose_colour)
        self.keep_icc = QCheckBox("Keep colour profile")
        self.keep_icc.setAccessibleName("Keep colour profile")
        self.keep_icc.setToolTip("Keep the image's ICC profile; off converts to sRGB")

        for signal in (
            self.format.currentIndexChanged,
            self.quality.valueChanged,
            self.lossless.toggled,
            self.limit.valueChanged,
            self.resize.currentIndexChanged,
            self.width.valueChanged,
            self.height.valueChanged,
            self.keep_icc.toggled,
        ):
            signal.connect(self._edited)
        self.display(ExportSettings())

    def add_rows(self, form: QFormLayout) -> None:
        _add_row(form, "F&ormat", self.format, self.quality, self.lossless, self.limit)
        _add_row(form, "&Size", self.resize, self.width, self.times, self.height)
        _add_row(form, "&Colour", self.colour, self.keep_icc)

    def display(self, settings: ExportSettings) -> None:
        """Puts `settings` into the controls, announcing one change, not one per control."""
        resize = settings.resize
        blockers = [QSignalBlocker(w) for w in self._inputs()]
        self.format.setCurrentIndex(self.format.findData(settings.format))
        self.quality.setValue(settings.quality)
        self.lossless.setChecked(settings.lossless)
        self.limit.setValue((settings.max_bytes or 0) / 1_000_000)
        self.resize.setCurrentIndex(self.resize.findData(resize.mode))
        # A mode without a size still offers a sensible one if the user switches to it.
        self.width.setValue(resize.width or 2048)
        self.height.setValue(resize.height or 2048)
        self.keep_icc.setChecked(settings.keep_icc)
        del blockers
        fits = resize.mode == ResizeMode.FIT
        self._set_colour(resize.pad_colour if fits else settings.background)
        self._update_enabled()
        self.changed.emit()

    def apply(self, base: ExportSettings) -> ExportSettings:
        """`base` with what these controls say; naming and metadata stay as in `base`."""
        mode = ResizeMode(self.resize.currentData())
        width = self.width.value() if mode != ResizeMode.NONE else 0
        height = self.height.value() if mode in (ResizeMode.FIT, ResizeMode.FILL) else 0
        limit = round(self.limit.value() * 1_000_000)
        return replace(
            base,
            format=ExportFormat(self.format.currentData()),
            quality=self.quality.value(),
            lossless=self.lossless.isChecked(),
            max_bytes=limit or None,
            # One colour for both: whatever shows behind the picture.
            resize=Resize(mode, width, height, self._colour),
            background=self._colour,
            keep_icc=self.keep_icc.isChecked(),
        )

    def _inputs(self) -> tuple[QWidget, ...]:
        return (
            self.format,
            self.quality,
            self.lossless,
            self.limit,
            self.resize,
            self.width,
            self.height,
            self.keep_icc,
        )

    def set_enabled(self, enabled: bool) -> None:
        for widget in (*self._inputs(), self.colour):
            widget.setEnabled(enabled)
        if enabled:
            self._update_enabled()

    def _edited(self) -> None:
        self._update_enabled()
        self.changed.emit()

    def _update_enabled(self) -> None:
        """Only what matters for the chosen format is offered; Original is the file as it is."""
        chosen = ExportFormat(self.format.currentData())
        mode = ResizeMode(self.resize.currentData())
        converts = chosen != ExportFormat.ORIGINAL
        lossy = chosen == ExportFormat.JPEG or (
            chosen == ExportFormat.WEBP and not self.lossless.isChecked()
        )
        self.lossless.setVisible(chosen == ExportFormat.WEBP)
        self.quality.setEnabled(lossy)
        self.limit.setEnabled(lossy)
        self.resize.setEnabled(converts)
        if not converts and mode != ResizeMode.NONE:
            with QSignalBlocker(self.resize):
                self.resize.setCurrentIndex(self.resize.findData(ResizeMode.NONE))
            mode = ResizeMode.NONE
        self.width.setVisible(mode != ResizeMode.NONE)
        self.width.setToolTip("The long edge" if mode == ResizeMode.LONG_EDGE else "Width")
        exact = mode in (ResizeMode.FIT, ResizeMode.FILL)
        self.times.setVisible(exact)
        self.height.setVisible(exact)
        self.colour.setEnabled(mode == ResizeMode.FIT or chosen == ExportFormat.JPEG)
        self.keep_icc.setEnabled(converts)

    def _choose_colour(self) -> None:
        picker = QColorDialog(QColor(*self._colour), self._parent)
        picker.setWindowTitle("Background colour")
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.colorSelected.connect(self._colour_chosen)
        picker.open()  # not exec(): no nested event loop

    def _colour_chosen(self, colour: QColor) -> None:
        self._set_colour((colour.red(), colour.green(), colour.blue()))
        self.changed.emit()

    def _set_colour(self, colour: Colour) -> None:
        self._colour = colour
        swatch = QPixmap(14, 14)
        swatch.fill(QColor(*colour))
        self.colour.setIcon(QIcon(swatch))
        self.colour.setText(format_colour(colour))
