"""Two drafts side by side with one zoom and pan, for finding a winner by repeated A/B; W lays
them over each other with a swipe divider, and holding B blinks each side to the other draft."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QHideEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QVBoxLayout, QWidget

from studio.core.domain import Flag
from studio.core.library.records import DraftRecord
from studio.models.draft_labels import model_label
from studio.models.image_loader import ImageLoader
from studio.ui.compare.captions import Caption, Divider
from studio.ui.compare.marks import flag_text, stars_description, status_text
from studio.ui.compare.modes import (
    BLINK_KEY,
    FLAG_KEYS,
    RATING_KEYS,
    SPLIT_KEYS,
    SWIPE_KEY,
    HintStrip,
    Mode,
    is_own_key,
)
from studio.ui.compare.modes import Side as Side
from studio.ui.compare.pane import DELIBERATE_FOCUS as _DELIBERATE
from studio.ui.compare.swipe import ComparePane
from studio.ui.compare.view_state import ViewState
from studio.ui.shortcuts import claim_own_key


class CompareView(QWidget):
    """A on the left, B on the right; ← → bring the next candidate in on the right, S swaps.
    In swipe mode the left pane spans the view and paints B right of its divider; the right
    pane stays, hidden, as the holder of B's image, so every key works the same in both.

    A thin widget: it shows the DraftRecords it is given and asks for flags and ratings through
    signals; once the library has changed, `update_draft` refreshes the captions."""

    flag_requested = Signal(int, Flag)
    rating_requested = Signal(int, int)
    pair_changed = Signal(int, int)  # left draft id, right draft id (-1 for an empty side)
    closed = Signal()

    def __init__(self, loader: ImageLoader | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Compare")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._loader = loader if loader is not None else ImageLoader(self)
        self._state = ViewState(self)
        self._drafts: list[DraftRecord] = []
        self._indices: list[int | None] = [None, None]
        self._active = Side.RIGHT
        self._panes: list[ComparePane] = []
        self._captions: list[Caption] = []
        self._swipe = False
        self._blinking = False

        # Images and captions in rows of their own, so the captions keep their halves while
        # the swipe pane spans both.
        images = QHBoxLayout()
        captions = QHBoxLayout()
        for row in (images, captions):
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(0)
        self._divider = Divider(self)
        for side, letter in zip(Side, "AB", strict=True):
            pane = ComparePane(self._state, self._loader, self)
            pane.setAccessibleName(f"Image {letter}")
            pane.activated.connect(lambda side=side: self._pane_activated(side))
            pane.installEventFilter(self)
            caption = Caption(letter, self)
            if side is Side.RIGHT:
                images.addWidget(self._divider)
                captions.addSpacing(self._divider.width())
            images.addWidget(pane, 1)
            captions.addWidget(caption, 1)
            self._panes.append(pane)
            self._captions.append(caption)
        self.setTabOrder(self._panes[0], self._panes[1])
        self._panes[Side.LEFT].half_activated.connect(lambda half: self._activate(Side(half)))

        self.strip = HintStrip(self)
        self.mode_label = self.strip.mode_label
        self.hints = self.strip.hints
        self.zoom_label = self.strip.zoom_label

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addLayout(images, 1)
        root.addLayout(captions)
        root.addWidget(self.strip)

        self._state.changed.connect(self._show_zoom)
        self._show_zoom()
        self._show_mode()
        self._activate(Side.RIGHT)

    @property
    def view_state(self) -> ViewState:
        return self._state

    @property
    def loader(self) -> ImageLoader:
        return self._loader

    @property
    def active_side(self) -> Side:
        return self._active

    @property
    def candidates(self) -> list[DraftRecord]:
        return list(self._drafts)

    @property
    def mode(self) -> Mode:
        if self._blinking:
            return Mode.BLINK
        return Mode.SWIPE if self._swipe else Mode.SIDE_BY_SIDE

    @property
    def swiping(self) -> bool:
        """Swipe is the layout; a blink may be showing on top of it."""
        return self._swipe

    @property
    def swipe_pane(self) -> ComparePane:
        return self._panes[Side.LEFT]

    def pane(self, side: Side) -> ComparePane:
        return self._panes[side]

    def caption(self, side: Side) -> Caption:
        return self._captions[side]

    def draft(self, side: Side) -> DraftRecord | None:
        index = self._indices[side]
        return None if index is None else self._drafts[index]

    def set_candidates(self, drafts: list[DraftRecord], left: int = 0, right: int = 1) -> None:
        """Compare `drafts[left]` with `drafts[right]`; the others wait their turn on the right."""
        self._end_blink()
        self._drafts = list(drafts)
        count = len(self._drafts)
        if count and not 0 <= left < count:
            raise IndexError(f"left index {left} outside {count} candidates")
        if count > 1 and not 0 <= right < count:
            raise IndexError(f"right index {right} outside {count} candidates")
        self._indices[Side.LEFT] = left if count else None
        if count < 2:
            self._indices[Side.RIGHT] = None
        else:
            self._indices[Side.RIGHT] = right if right != left else (left + 1) % count
        self._state.set_fit()
        self._activate(Side.RIGHT)
        for side in Side:
            self._load(side)
        self._pair_changed()

    def update_draft(self, draft: DraftRecord) -> None:
        # A blink has each pane showing the other's image; reloading into that would mix them.
        self._end_blink()
        for index, known in enumerate(self._drafts):
            if known.id != draft.id:
                continue
            self._drafts[index] = draft
            for side in Side:
                if self._indices[side] == index:
                    if known.path != draft.path or known.status != draft.status:
                        self._load(side)
                    else:
                        self._show_caption(side)

    def step(self, delta: int) -> None:
        """Bring the previous (-1) or next (+1) candidate in on the right, skipping the left."""
        self._end_blink()
        left, right = self._indices
        count = len(self._drafts)
        if right is None or count < 2:
            return
        index = right
        for _ in range(count):
            index = (index + delta) % count
            if index != left:
                break
        if index == right:
            return
        self._indices[Side.RIGHT] = index
        self._load(Side.RIGHT)
        self._prefetch(index, delta)
        self._pair_changed()

    def swap(self) -> None:
        self._end_blink()
        self._indices.reverse()
        self._panes[Side.LEFT].exchange(self._panes[Side.RIGHT])
        for side in Side:
            self._show_caption(side)
        self._pair_changed()

    def set_swipe(self, on: bool) -> None:
        """Swipe (one pane, A left of a divider and B right) or side by side; the zoom, the
        centre and the divider's place are kept either way."""
        self._end_blink()
        if on == self._swipe:
            return
        focus = QApplication.focusWidget()
        had_focus = focus is not None and (focus is self or self.isAncestorOf(focus))
        # Set first: hiding the focused pane B hands focus on as if by Tab, which must not be
        # taken for the user choosing side A.
        self._swipe = on
        host, holder = self._panes
        holder.setVisible(not on)
        self._divider.setVisible(not on)
        host.set_overlay(holder if on else None)
        host.setAccessibleName("Swipe: A left of the divider, B right" if on else "Image A")
        # Lay out now, so the divider and anything painted next use the new width.
        layout = self.layout()
        if layout is not None:
            layout.activate()
        self._activate(self._active)
        if had_focus:
            self._focus_pane().setFocus(Qt.FocusReason.OtherFocusReason)
        self._show_mode()

    def move_split(self, delta: float) -> None:
        host = self._panes[Side.LEFT]
        host.set_split(host.split + delta)

    def _start_blink(self) -> None:
        # Nothing to blink to without a second draft.
        if self._blinking or self.draft(Side.RIGHT) is None:
            return
        self._blinking = True
        self._exchange_images()

    def _end_blink(self) -> None:
        if self._blinking:
            self._blinking = False
            self._exchange_images()

    def _exchange_images(self) -> None:
        # Only the decoded images change places, so a blink is instant and reads nothing again;
        # which draft each side holds stays put.
        self._panes[Side.LEFT].exchange(self._panes[Side.RIGHT])
        left, right = (self._shown(side) for side in Side)
        self._panes[Side.LEFT].set_letters("AB"[left], "AB"[right])
        for side in Side:
            self._show_caption(side)
        self._activate(self._active)
        self._show_mode()

    def _shown(self, side: Side) -> Side:
        """Whose draft is on view at `side`: the other one's during a blink."""
        return side.other if self._blinking else side

    def _focus_pane(self) -> ComparePane:
        return self._panes[Side.LEFT] if self._swipe else self._panes[self._active]

    def _load(self, side: Side) -> None:
        draft = self.draft(side)
        pane = self._panes[side]
        if draft is None:
            pane.show_image(None, "Nothing else to compare" if side is Side.RIGHT else "")
        elif draft.path is None:
            pane.show_image(None, status_text(draft) or "No image")
        else:
            pane.show_image(draft.path)
        self._show_caption(side)

    def _prefetch(self, index: int, delta: int) -> None:
        count = len(self._drafts)
        following = (index + delta) % count
        if following == self._indices[Side.LEFT]:
            following = (following + delta) % count
        path = self._drafts[following].path
        if path is not None:
            self._loader.request(path, ("prefetch", id(self)))

    def _show_caption(self, side: Side) -> None:
        shown = self._shown(side)
        draft = self.draft(shown)
        index = self._indices[shown]
        position = "" if index is None else f"{index + 1} / {len(self._drafts)}"
        self._captions[side].set_letter("AB"[shown])
        self._captions[side].show_draft(draft, position)
        pane = self._panes[side]
        if draft is None:
            pane.setAccessibleDescription("")
        else:
            pane.setAccessibleDescription(
                f"{flag_text(draft.flag)}, {stars_description(draft.rating)}, "
                f"{model_label(draft.model)}, seed {draft.seed}"
            )

    def _pane_activated(self, side: Side) -> None:
        # The swipe pane shows both sides: where it was pressed says which (half_activated).
        if not self._swipe:
            self._activate(side)

    def _activate(self, side: Side) -> None:
        self._active = side
        for each in Side:
            self._panes[each].set_active(each is side or (self._swipe and each is Side.LEFT))
            self._captions[each].set_active(self._shown(each) is side)
        self._panes[Side.LEFT].set_active_half(self._shown(side))
        # Keyboard focus given to the view lands on the pane that keys act on.
        self.setFocusProxy(self._focus_pane())

    def _pair_changed(self) -> None:
        ids = [-1 if draft is None else draft.id for draft in map(self.draft, Side)]
        self.pair_changed.emit(ids[0], ids[1])

    def _show_zoom(self) -> None:
        self.zoom_label.setText(self._state.text())

    def _show_mode(self) -> None:
        mode = self.mode
        underneath = Mode.SWIPE if self._swipe else Mode.SIDE_BY_SIDE
        self.strip.show_mode(mode, underneath)

    def event(self, event: QEvent) -> bool:
        return claim_own_key(event, self._is_own_key) or super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._is_own_key(event):
            super().keyPressEvent(event)
            return
        key = event.key()
        if key == BLINK_KEY:
            # Held keys repeat; only the first press starts the blink, or it would flicker.
            if not event.isAutoRepeat():
                self._start_blink()
            event.accept()
            return
        # Any other key acts on the drafts where they really are.
        self._end_blink()
        target = self.draft(self._active)
        pane = self._focus_pane()
        if key == Qt.Key.Key_Escape:
            self.closed.emit()
        elif key == Qt.Key.Key_Left:
            self.step(-1)
        elif key == Qt.Key.Key_Right:
            self.step(1)
        elif key == Qt.Key.Key_S:
            self.swap()
        elif key == SWIPE_KEY:
            self.set_swipe(not self._swipe)
        elif key in SPLIT_KEYS:
            self.move_split(SPLIT_KEYS[Qt.Key(key)])
        elif key == Qt.Key.Key_Z:
            shown = [p for p in self._panes if p.isVisible()]
            hovered = next((p for p in shown if p.cursor_position() is not None), pane)
            hovered.toggle_zoom(hovered.cursor_position())
        elif key == Qt.Key.Key_F:
            self._state.set_fit()
        elif key in FLAG_KEYS:
            if target is not None:
                self.flag_requested.emit(target.id, FLAG_KEYS[Qt.Key(key)])
        elif key in RATING_KEYS and target is not None:
            self.rating_requested.emit(target.id, RATING_KEYS[Qt.Key(key)])
        event.accept()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() != BLINK_KEY:
            super().keyReleaseEvent(event)
            return
        # A repeating key sends release-press pairs while still held: only the real release ends.
        if not event.isAutoRepeat():
            self._end_blink()
        event.accept()

    def _is_own_key(self, event: QKeyEvent) -> bool:
        return is_own_key(event, swiping=self._swipe)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # B's release goes to whoever has focus by then: a blink must not outlive the focus.
        if event.type() == QEvent.Type.FocusOut and watched in self._panes:
            self._end_blink()
        # Focus that merely arrives (the window shown or re-activated) goes to the pane keys act
        # on, so the visible focus ring and the target of P and X never disagree.
        if (
            event.type() == QEvent.Type.FocusIn
            and isinstance(event, QFocusEvent)
            and watched in self._panes
            and watched is not self._focus_pane()
            and event.reason() not in _DELIBERATE
        ):
            self._focus_pane().setFocus(event.reason())
        return super().eventFilter(watched, event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._end_blink()
        super().hideEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(1100, 750)
