"""The export dialog's naming and metadata rows: the name template with a live preview of the
first names, and one metadata choice (keep, keep with sidecar files, strip)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from studio.core.export import ExportSettings
from studio.core.export.presets import DEFAULT_TEMPLATE, MetadataChoice
from studio.models.export_model import PREVIEW_LINES

_METADATA = (
    (
        MetadataChoice.EMBED,
        "Keep: prompt, model and seed in each file",
        "Written into each PNG, JPEG or WebP (XMP, EXIF, PNG text); Original copies stay "
        "byte for byte",
    ),
    (
        MetadataChoice.EMBED_AND_SIDECAR,
        "Keep, and write sidecar files",
        "As Keep, plus a .json beside every file and an .xmp beside Original copies",
    ),
    (
        MetadataChoice.STRIP,
        "Strip all metadata",
        "No prompt, model or seed in the files, and no sidecar files",
    ),
)


class NamingControls(QObject):
    """Not a widget of its own: `add_rows` puts the controls into the dialog's form."""

    changed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.template = QLineEdit(DEFAULT_TEMPLATE)
        self.template.setAccessibleName("Name template")
        self.template.setToolTip(
            "File names from tokens: {date} {time} {batch} {index} {seed} {model} {rating}"
            " {flag} {id} {prompt} or {prompt:N}; a '/' makes subfolders; {index} counts"
            " oldest first, as the CLI does"
        )
        # Not wrapped: a file name broken over two lines reads as two names. Always as tall
        # as its most lines, so the dialog keeps its size whatever the choice covers.
        self.preview = QLabel()
        self.preview.setAccessibleName("Name preview")
        self.preview.setToolTip("The first file names the template gives")
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        metrics = self.preview.fontMetrics()
        self.preview.setFixedHeight(metrics.lineSpacing() * PREVIEW_LINES + metrics.descent())

        self.metadata = QComboBox()
        self.metadata.setAccessibleName("Metadata")
        for choice, text, tip in _METADATA:
            self.metadata.addItem(text, choice)
            self.metadata.setItemData(self.metadata.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.metadata.currentIndexChanged.connect(self._metadata_chosen)
        self._metadata_chosen()

        self.template.textChanged.connect(self.changed)
        self.metadata.currentIndexChanged.connect(self.changed)

    def add_rows(self, form: QFormLayout) -> None:
        template_label = QLabel("&Names")
        template_label.setBuddy(self.template)
        form.addRow(template_label, self.template)
        form.addRow("", self.preview)
        metadata_label = QLabel("&Metadata")
        metadata_label.setBuddy(self.metadata)
        form.addRow(metadata_label, self.metadata)

    def choice(self) -> MetadataChoice:
        return MetadataChoice(self.metadata.currentData())

    def display(self, settings: ExportSettings) -> None:
        """Puts the template and metadata of `settings` into the controls, quietly."""
        with QSignalBlocker(self.template), QSignalBlocker(self.metadata):
            self.template.setText(settings.name_template)
            self.metadata.setCurrentIndex(self.metadata.findData(settings.metadata))
        self._metadata_chosen()

    def apply(self, base: ExportSettings) -> ExportSettings:
        """`base` with these names and this metadata choice."""
        return replace(base, name_template=self.template.text()).with_metadata(self.choice())

    def show_names(self, names: list[str], total: int) -> None:
        more = total - len(names)
        lines = names + ([f"… and {more} more"] if more > 0 else [])
        self.preview.setWordWrap(False)
        self.preview.setText("\n".join(lines) if lines else "Nothing to export yet.")

    def show_problem(self, sentence: str) -> None:
        self.preview.setWordWrap(True)  # a sentence, unlike a name, reads fine over lines
        self.preview.setText(sentence)

    def set_enabled(self, enabled: bool) -> None:
        self.template.setEnabled(enabled)
        self.metadata.setEnabled(enabled)

    def _metadata_chosen(self) -> None:
        # The closed combo shows the chosen item's tooltip: what it means, not just its name.
        tip = self.metadata.currentData(Qt.ItemDataRole.ToolTipRole)
        self.metadata.setToolTip(str(tip))
