"""What the app shows, before its main window, when the library cannot be opened: the file,
what is wrong with it, and the ways on (move a damaged file aside, another folder, quit).

Opened with show(), never exec(): the app awaits `chosen` on its event loop. Nothing here
changes a file; the app acts on the answer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from studio.core.library import LibraryOpenError, OpenProblem
from studio.ui.settings_form import button, hint
from studio.ui.theme import accent_button_style

TITLE = "Library problem — Draft Studio"
HEADLINES = {
    OpenProblem.DAMAGED: "The library file is damaged",
    OpenProblem.TOO_NEW: "This library is from a newer Draft Studio",
    OpenProblem.LOCKED: "The library is in use by another program",
    OpenProblem.DISK_FULL: "The disk is full",
    OpenProblem.READ_ONLY: "The library cannot be written to",
    OpenProblem.NO_PERMISSION: "The library cannot be written to",
    OpenProblem.UNAVAILABLE: "The library cannot be opened",
}
MOVE_ASIDE_HINT = (
    "Moving it aside renames it to library-damaged-<date>.sqlite3 in the same folder and "
    "starts an empty library there. Nothing is deleted; your image files stay where they are."
)
# Worth another go once the user has dealt with the cause (closed the other program, freed
# space); a newer schema or a damaged file stays as it is.
_RETRYABLE = frozenset(OpenProblem) - {OpenProblem.DAMAGED, OpenProblem.TOO_NEW}
_TEXT_WIDTH = 440
# Where a long path may wrap: after each separator (a zero-width space, never shown).
_BREAK = "\u200b"


class LibraryAction(Enum):
    MOVE_ASIDE = "move aside"
    CHOOSE_FOLDER = "choose folder"
    RETRY = "retry"
    QUIT = "quit"


@dataclass(frozen=True, slots=True)
class LibraryAnswer:
    action: LibraryAction
    folder: Path | None = None  # for CHOOSE_FOLDER


class LibraryProblemDialog(QDialog):
    """Emits `chosen(LibraryAnswer)` once; closing it (Esc, the title bar) is Quit."""

    chosen = Signal(object)

    def __init__(self, problem: LibraryOpenError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem = problem
        self._answered = False
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)

        icon = QLabel(self)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.headline = QLabel(HEADLINES[problem.problem], self)
        font = QFont(self.headline.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setWeight(QFont.Weight.DemiBold)
        self.headline.setFont(font)
        self.sentence = QLabel(_wrappable(str(problem)), self)
        self.sentence.setWordWrap(True)
        self.sentence.setFixedWidth(_TEXT_WIDTH)
        self.sentence.setAccessibleName("What is wrong")
        self.sentence.setAccessibleDescription(str(problem))
        text = QVBoxLayout()
        text.setSpacing(8)
        text.addWidget(self.headline)
        text.addWidget(self.sentence)
        if problem.problem is OpenProblem.DAMAGED:
            move_hint = hint(MOVE_ASIDE_HINT, self)
            move_hint.setFixedWidth(_TEXT_WIDTH)
            text.addWidget(move_hint)
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(text, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 22, 24, 18)
        layout.addLayout(top)
        layout.addSpacing(18)
        layout.addLayout(self._build_buttons())
        self.setFixedSize(self.sizeHint())

    def _build_buttons(self) -> QHBoxLayout:
        self.quit_button = _button("Quit", "Quit Draft Studio; nothing is changed", self)
        self.quit_button.clicked.connect(self.reject)
        self.choose_button = _button(
            "Choose another folder…", "Open or start a library in another folder", self
        )
        self.choose_button.clicked.connect(self._choose_folder)
        self.move_button: QPushButton | None = None
        self.retry_button: QPushButton | None = None
        main: QPushButton = self.choose_button
        if self.problem.problem is OpenProblem.DAMAGED:
            self.move_button = main = _button(
                "Move aside and start a new library",
                "Rename the damaged file (nothing is deleted) and start an empty library",
                self,
            )
            self.move_button.setStyleSheet(accent_button_style())
            self.move_button.clicked.connect(lambda: self._answer(LibraryAction.MOVE_ASIDE))
        elif self.problem.problem in _RETRYABLE:
            self.retry_button = main = _button("Try again", "Open the library again", self)
            self.retry_button.clicked.connect(lambda: self._answer(LibraryAction.RETRY))
        main.setDefault(True)
        main.setFocus()
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.quit_button)
        row.addStretch(1)
        row.addWidget(self.choose_button)
        if main is not self.choose_button:
            row.addWidget(main)
        return row

    def _choose_folder(self) -> None:
        # open(), not exec(): the app is awaiting this dialog on its event loop.
        picker = QFileDialog(self, "Choose a library folder", str(self.problem.root.parent))
        picker.setFileMode(QFileDialog.FileMode.Directory)
        picker.setOption(QFileDialog.Option.ShowDirsOnly)
        picker.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        picker.setLabelText(QFileDialog.DialogLabel.Accept, "Use this folder")
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.fileSelected.connect(
            lambda folder: self._answer(LibraryAction.CHOOSE_FOLDER, Path(folder))
        )
        picker.open()

    def _answer(self, action: LibraryAction, folder: Path | None = None) -> None:
        if not self._answered:
            self._answered = True
            self.chosen.emit(LibraryAnswer(action, folder))
        quitting = action is LibraryAction.QUIT
        self.done(QDialog.DialogCode.Rejected if quitting else QDialog.DialogCode.Accepted)

    def reject(self) -> None:
        """Esc and the title bar's close button (QDialog routes both here) mean Quit."""
        self._answer(LibraryAction.QUIT)


def _button(text: str, tooltip: str, parent: QWidget) -> QPushButton:
    made = button(text, tooltip, parent)
    made.setAccessibleName(text.rstrip("…"))
    made.setMinimumHeight(30)
    # Enter presses the default button only, never whichever one has focus.
    made.setAutoDefault(False)
    return made


def _wrappable(text: str) -> str:
    return text.replace("/", f"/{_BREAK}").replace("\\", f"\\{_BREAK}")
