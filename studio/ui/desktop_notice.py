"""A desktop notification for news that arrives while the user looks elsewhere (a batch
job's results): the system tray's message where the desktop has a tray, and the window's
attention hint (taskbar flash, dock bounce) everywhere."""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget


class DesktopNotice:
    def __init__(self, window: QWidget) -> None:
        self._window = window
        self._tray: QSystemTrayIcon | None = None
        self.last: tuple[str, str] | None = None  # what was said last, for tests and logs

    def show(self, title: str, text: str) -> None:
        self.last = (title, text)
        QApplication.alert(self._window)
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self._tray is None:
            icon = self._window.windowIcon()
            self._tray = QSystemTrayIcon(icon if not icon.isNull() else QIcon(), self._window)
            self._tray.messageClicked.connect(self._bring_forward)
            self._tray.show()
        self._tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)

    def _bring_forward(self) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()
