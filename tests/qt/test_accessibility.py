"""Every control a person can reach has a name a screen reader announces, and a tooltip.

Names are read through QAccessible, the same interface Qt's AT-SPI bridge serves on Linux."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from studio.ui.main_window import MainWindow

_INTERACTIVE = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
)
_REQUIRED = {"Prompt", "Count", "Aspect ratio", "Model", "Generate", "Stop", "Drafts", "Compare"}


def announced_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return interface.text(QAccessible.Text.Name)


def _controls(root: QWidget) -> list[QWidget]:
    # Parts Qt builds inside a control (a spin box's line edit, a combo's popup list) are
    # announced through their owner.
    return [
        w
        for w in root.findChildren(QWidget)
        if isinstance(w, _INTERACTIVE)
        and not isinstance(w.parentWidget(), (QAbstractSpinBox, QComboBox))
        and not w.inherits("QComboBoxListView")
        and w.isVisibleTo(root)
    ]


def label_of(widget: QWidget) -> str:
    """A combo box announces its current item as its name; its label comes via a relation."""
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    for other, _ in interface.relations(QAccessible.RelationFlag.Label):
        return other.text(QAccessible.Text.Name).replace("&", "").strip(" :")
    return ""


async def test_named_controls_are_announced(window: MainWindow):
    names = {
        label_of(w) if isinstance(w, QComboBox) else announced_name(w)
        for w in window.findChildren(QWidget)
    }
    assert names >= _REQUIRED


async def test_every_control_has_a_name_and_a_tooltip(window: MainWindow):
    window.open_settings()
    window.open_export()
    roots: list[QWidget] = [window]
    for dialog in (window.dialogs.settings_dialog, window.dialogs.export_dialog):
        assert dialog is not None
        roots.append(dialog)
    missing = []
    for root in roots:
        for widget in _controls(root):
            name = label_of(widget) if isinstance(widget, QComboBox) else announced_name(widget)
            if not name.strip() or not widget.toolTip().strip():
                missing.append(f"{type(widget).__name__} in {type(root).__name__}: {name!r}")
    assert missing == []


async def test_combo_boxes_have_a_visible_buddy_label(window: MainWindow):
    from PySide6.QtWidgets import QLabel

    buddies = {label.buddy() for label in window.findChildren(QLabel) if label.buddy()}
    for combo in window.prompt_panel.findChildren(QComboBox):
        assert combo in buddies, combo.accessibleName()
