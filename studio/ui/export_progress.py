"""The export dialog's bottom part: a status sentence, or while exporting the progress bar in
its place, and the buttons that open the folder and list the failures.

The sentence and the bar are pages of one stack of fixed height, so the dialog keeps its size
when an export starts, fails or ends; failures open in a message box instead of a list that
would push the buttons down."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studio.core.export import ExportReport
from studio.models.export_model import summary
from studio.ui.settings_form import WrapLabel

STATUS_LINES = 2
_LISTED = 5  # failures named in the message box itself; the rest behind Show Details
_STATUS_TIP = "What the last export did"


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


class ExportProgress(QObject):
    """Not a widget of its own: the dialog places `area`, `open_folder` and `show_failures`."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self._failures: list[str] = []
        self._last_target: Path | None = None

        self.status = WrapLabel()
        self.status.setAccessibleName("Export result")
        self.status.setToolTip(_STATUS_TIP)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.running_label = QLabel()
        self.running_label.setAccessibleName("Export status")
        self.running_label.setToolTip("What is being exported")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Export progress")
        self.progress.setToolTip("Files written so far")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%v of %m")
        running = QWidget()
        running_layout = QVBoxLayout(running)
        running_layout.setContentsMargins(0, 0, 0, 0)
        running_layout.setSpacing(2)
        running_layout.addWidget(self.running_label)
        running_layout.addWidget(self.progress)

        self.area = QStackedWidget()
        self.area.addWidget(self.status)
        self.area.addWidget(running)
        metrics = self.status.fontMetrics()
        lines = metrics.lineSpacing() * STATUS_LINES + metrics.descent()
        self.area.setFixedHeight(max(lines, running.sizeHint().height()))

        self.open_folder = QPushButton("Open folder")
        self.open_folder.setAccessibleName("Open folder")
        self.open_folder.setToolTip("Show the exported files in the file manager")
        self.open_folder.clicked.connect(self._open_folder)
        self.open_folder.hide()
        self.show_failures = QPushButton("Failures…")
        self.show_failures.setAccessibleName("Show failures")
        self.show_failures.setToolTip("One sentence for each file that could not be exported")
        self.show_failures.clicked.connect(self._list_failures)
        self.show_failures.hide()

    def show_status(self, text: str) -> None:
        self.status.setText(text)
        # Two lines hold every sentence at the dialog's width; the tooltip has it whole anyway.
        self.status.setToolTip(text or _STATUS_TIP)
        self.area.setCurrentWidget(self.status)

    def started(self, total: int, target: Path) -> None:
        self._failures = []
        self._last_target = target
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.running_label.setText(f"Exporting {_files(total)} to {target}…")
        self.area.setCurrentIndex(1)
        self.open_folder.hide()
        self.show_failures.hide()

    def progressed(self, done: int, total: int, failure: str) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        if failure:
            self._failures.append(failure)
            self.show_failures.setText(f"Failures ({len(self._failures)})…")
            self.show_failures.show()

    def cancelling(self) -> None:
        self.running_label.setText("Cancelling: the files being written finish first…")

    def finished(self, report: ExportReport, target: Path, created: bool) -> None:
        self.progress.setValue(self.progress.maximum())
        self.show_status(summary(report, target, created))
        self.open_folder.setVisible(bool(report.exported))
        self.show_failures.setVisible(bool(self._failures))

    def _open_folder(self) -> None:
        if self._last_target is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._last_target)))

    def _list_failures(self) -> None:
        box = QMessageBox(self._parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Export failures")
        count = len(self._failures)
        box.setText(f"{count} draft{' was' if count == 1 else 's were'} not exported.")
        box.setInformativeText("\n".join(self._failures[:_LISTED]))
        if count > _LISTED:
            box.setDetailedText("\n".join(self._failures))  # scrolls, behind "Show Details…"
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): no nested event loop
