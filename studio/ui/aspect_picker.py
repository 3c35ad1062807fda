"""The aspect ratio picker: the model's ratios grouped by use (square, landscape, portrait,
banners) under titles that cannot be chosen, each with its shape and what it is for."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QComboBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionComboBox,
    QStyleOptionViewItem,
    QStylePainter,
    QWidget,
)

from studio.core.catalog import RatioGroup

HINT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
_ICON = 20
_PAD = 10  # left and right of a row's contents
_GAP = 10  # between the icon, the ratio and the hint
_TITLE_GAP = 6  # above a group title, except the first


def aspect_icon(ratio: str, size: int = _ICON, colour: QColor | None = None) -> QIcon:
    """A small outline of the shape, so ratios are recognised at a glance."""
    width, height = (float(part) for part in ratio.split(":"))
    scale = (size - 4) / max(width, height)
    w, h = max(2.0, width * scale), max(2.0, height * scale)
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour or QColor("#C9CBD1"), 1.4))
    painter.drawRoundedRect(QRectF((size - w) / 2, (size - h) / 2, w, h), 1.5, 1.5)
    painter.end()
    return QIcon(pixmap)


def _is_title(index: QModelIndex | QPersistentModelIndex) -> bool:
    return not index.flags() & Qt.ItemFlag.ItemIsSelectable


def _title_font(font: QFont) -> QFont:
    title = QFont(font)
    title.setWeight(QFont.Weight.DemiBold)
    if font.pointSizeF() > 0:
        title.setPointSizeF(font.pointSizeF() * 0.85)
    title.setCapitalization(QFont.Capitalization.AllUppercase)
    title.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 108)
    return title


def _muted(palette: QPalette, selected: bool) -> QColor:
    if selected:
        colour = QColor(palette.color(QPalette.ColorRole.HighlightedText))
        colour.setAlphaF(0.72)
        return colour
    return palette.color(QPalette.ColorRole.PlaceholderText)


class _RatioDelegate(QStyledItemDelegate):
    """Rows of the open list: group titles as small capitals, ratios as shape, ratio and
    hint, the hints in one column so that the list reads as a table."""

    def __init__(self, combo: AspectCombo) -> None:
        super().__init__(combo)
        self._combo = combo

    def _ratio_column(self, font: QFont) -> int:
        return QFontMetrics(font).horizontalAdvance("21:9") + _GAP

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        font = option.font
        if _is_title(index):
            metrics = QFontMetrics(_title_font(font))
            gap = _TITLE_GAP if index.row() > 0 else 0
            width = metrics.horizontalAdvance(str(index.data())) + 2 * _PAD
            return QSize(width, metrics.height() + 8 + gap)
        metrics = QFontMetrics(font)
        hint = str(index.data(HINT_ROLE) or "")
        width = 2 * _PAD + _ICON + _GAP + self._ratio_column(font) + metrics.horizontalAdvance(hint)
        return QSize(width, max(_ICON, metrics.height()) + 10)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.save()
        rect = option.rect
        palette = option.palette
        if _is_title(index):
            painter.setFont(_title_font(option.font))
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            text = rect.adjusted(_PAD, 0, -_PAD, -3)
            align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom
            painter.drawText(text, align, str(index.data()))
            painter.restore()
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        ink = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        ratio = str(index.data())
        icon = QRect(rect.left() + _PAD, rect.center().y() - _ICON // 2 + 1, _ICON, _ICON)
        aspect_icon(ratio, _ICON, ink).paint(painter, icon)
        left = icon.right() + 1 + _GAP
        column = self._ratio_column(option.font)
        centred = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.setFont(option.font)
        painter.setPen(ink)
        painter.drawText(QRect(left, rect.top(), column, rect.height()), centred, ratio)
        hint_area = QRect(
            left + column, rect.top(), rect.right() - _PAD - left - column, rect.height()
        )
        hint = QFontMetrics(option.font).elidedText(
            str(index.data(HINT_ROLE) or ""), Qt.TextElideMode.ElideRight, hint_area.width()
        )
        painter.setPen(_muted(palette, selected))
        painter.drawText(hint_area, centred, hint)
        painter.restore()


class AspectCombo(QComboBox):
    """`ratio_chosen` when the user picks a ratio; the titles between groups are never
    current (they are not selectable, so the list and the arrow keys pass over them)."""

    ratio_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._groups: list[RatioGroup] = []
        self.setItemDelegate(_RatioDelegate(self))
        self.setIconSize(QSize(_ICON, _ICON))
        self.activated.connect(self._activated)

    def set_groups(self, groups: list[RatioGroup]) -> None:
        if groups == self._groups:
            return
        self._groups = groups
        model = QStandardItemModel(self)
        for group in groups:
            title = QStandardItem(group.title)
            title.setFlags(Qt.ItemFlag.NoItemFlags)
            title.setData(f"{group.title} ratios", Qt.ItemDataRole.AccessibleTextRole)
            model.appendRow(title)
            for choice in group.choices:
                item = QStandardItem(aspect_icon(choice.ratio), choice.ratio)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                item.setData(choice.ratio, Qt.ItemDataRole.UserRole)
                item.setData(choice.hint, HINT_ROLE)
                item.setData(f"{choice.ratio}: {choice.hint}", Qt.ItemDataRole.ToolTipRole)
                item.setData(f"{choice.ratio}, {choice.hint}", Qt.ItemDataRole.AccessibleTextRole)
                model.appendRow(item)
        self.setModel(model)

    def ratios(self) -> list[str]:
        return [choice.ratio for group in self._groups for choice in group.choices]

    def set_ratio(self, ratio: str) -> None:
        index = self.findData(ratio)
        if index < 0:
            index = next((i for i in range(self.count()) if self.itemData(i) is not None), -1)
        self.setCurrentIndex(index)

    def showPopup(self) -> None:
        # As wide as the widest hint, not the box: the list is where the hints are read.
        view = self.view()
        frame = 2 * view.frameWidth() + view.verticalScrollBar().sizeHint().width()
        view.setMinimumWidth(view.sizeHintForColumn(0) + frame)
        super().showPopup()

    def _activated(self, index: int) -> None:
        ratio = self.itemData(index)
        if ratio is not None:
            self.ratio_chosen.emit(str(ratio))

    def paintEvent(self, event: QPaintEvent) -> None:
        """The closed box shows the shape, the ratio and, quieter, what it is for."""
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        ratio, hint = option.currentText, str(self.currentData(HINT_ROLE) or "")
        option.currentText = ""
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)  # the icon
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox,
            option,
            QStyle.SubControl.SC_ComboBoxEditField,
            self,
        )
        field.setLeft(field.left() + self.iconSize().width() + 6)
        metrics = QFontMetrics(self.font())
        centred = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        palette = self.palette()
        painter.setPen(palette.color(QPalette.ColorRole.ButtonText))
        painter.drawText(field, centred, ratio)
        field.setLeft(field.left() + metrics.horizontalAdvance(ratio) + 8)
        if metrics.horizontalAdvance(hint) > field.width():
            hint = hint.split(",")[0]  # "YouTube thumbnail, slide": the first use says enough
        painter.setPen(_muted(palette, False))
        painter.drawText(
            field, centred, metrics.elidedText(hint, Qt.TextElideMode.ElideRight, field.width())
        )
