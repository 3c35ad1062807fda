"""Fusion with a palette: dark by default, light when the system asks for it, one accent."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = QColor("#F5C542")
ACCENT_TEXT = QColor("#1B1A17")
SANDBOX_AMBER = QColor("#E0A526")
ERROR_RED = QColor("#E5484D")
PICK_GREEN = QColor("#3DD68C")


def _dark() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#1E1F22",
        QPalette.ColorRole.WindowText: "#E6E6E6",
        QPalette.ColorRole.Base: "#17181A",
        QPalette.ColorRole.AlternateBase: "#232428",
        QPalette.ColorRole.ToolTipBase: "#2B2D31",
        QPalette.ColorRole.ToolTipText: "#E6E6E6",
        QPalette.ColorRole.PlaceholderText: "#7D8087",
        QPalette.ColorRole.Text: "#E6E6E6",
        QPalette.ColorRole.Button: "#2B2D31",
        QPalette.ColorRole.ButtonText: "#E6E6E6",
        QPalette.ColorRole.BrightText: "#FFFFFF",
        QPalette.ColorRole.Light: "#3A3C42",
        QPalette.ColorRole.Midlight: "#303237",
        QPalette.ColorRole.Mid: "#26282C",
        QPalette.ColorRole.Dark: "#121315",
        QPalette.ColorRole.Shadow: "#000000",
        QPalette.ColorRole.Link: "#F5C542",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for group in (QPalette.ColorGroup.Disabled,):
        palette.setColor(group, QPalette.ColorRole.Text, QColor("#6B6E75"))
        palette.setColor(group, QPalette.ColorRole.ButtonText, QColor("#6B6E75"))
        palette.setColor(group, QPalette.ColorRole.WindowText, QColor("#6B6E75"))
    return palette


def _light() -> QPalette:
    palette = QApplication.style().standardPalette()
    palette.setColor(QPalette.ColorRole.Link, QColor("#9A6B00"))
    return palette


def prefers_light() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Light


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = _light() if prefers_light() else _dark()
    palette.setColor(QPalette.ColorRole.Highlight, ACCENT)
    palette.setColor(QPalette.ColorRole.HighlightedText, ACCENT_TEXT)
    palette.setColor(QPalette.ColorRole.Accent, ACCENT)
    app.setPalette(palette)
    font = app.font()
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)


def follow_system_theme(app: QApplication) -> None:
    apply_theme(app)
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _: apply_theme(app))


def accent_button_style() -> str:
    """The one accent-filled button style: Generate, and Send in the derive panel."""
    return (
        f"QPushButton {{ background: {ACCENT.name()}; color: {ACCENT_TEXT.name()};"
        " border-radius: 6px; padding: 6px 14px; }"
        "QPushButton:disabled { background: #4A4536; color: #8C877A; }"
    )
