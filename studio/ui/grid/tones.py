"""The grid's colours, derived from the palette so that it follows a light or dark theme."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

from studio.core.domain import SlotStatus
from studio.ui.theme import ACCENT, ERROR_RED, PICK_GREEN, SANDBOX_AMBER


class Tones:
    """Colours derived from the palette, so that the grid follows a light or dark theme."""

    def __init__(self, palette: QPalette) -> None:
        self.base = palette.color(QPalette.ColorRole.Base)
        self.ink = palette.color(QPalette.ColorRole.Text)
        dark = self.base.lightnessF() < 0.5
        self.cell = mix(self.base, self.ink, 0.07)
        self.cell_hover = mix(self.base, self.ink, 0.11)
        self.cell_current = mix(self.base, self.ink, 0.13)
        self.outline = mix(self.base, self.ink, 0.28)
        self.chip = mix(self.base, self.ink, 0.16)
        self.muted = mix(self.base, self.ink, 0.62)
        self.rule = mix(self.base, self.ink, 0.16)
        # The theme's bright accent and status colours lack contrast on a light background.
        self.accent = ACCENT if dark else ACCENT.darker(135)
        self.pick = PICK_GREEN if dark else QColor("#1A7F37")
        self.reject = ERROR_RED if dark else QColor("#CF222E")
        self.warn = SANDBOX_AMBER if dark else QColor("#9A6700")

    def status(self, status: SlotStatus) -> QColor:
        if status == SlotStatus.FAILED:
            return self.reject
        if status in (SlotStatus.BLOCKED, SlotStatus.RETRYING):
            return self.warn
        if status == SlotStatus.RUNNING:
            return self.ink
        return self.muted


def mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )
