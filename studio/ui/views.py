"""Which view fills the centre area (grid, compare, loupe, survey, tournament) and what goes
with it: the side panels that give way to the images, and where Esc returns to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from studio.core.library import DraftRecord, LibraryError
from studio.models.tournament import TOO_FEW
from studio.ui.survey import MAX_DRAFTS, MIN_DRAFTS

if TYPE_CHECKING:
    from studio.ui.main_window import MainWindow

GRID, COMPARE, LOUPE, WELCOME, SURVEY, TOURNAMENT = range(6)
SURVEY_RANGE = (
    f"Select {MIN_DRAFTS} to {MAX_DRAFTS} images to survey (N): the survey shows them all at once."
)


class Views:
    def __init__(self, window: MainWindow) -> None:
        self._w = window
        # A compare or loupe opened from the survey goes back there, not to the grid.
        self._from_survey = False
        survey, services = window.survey, window.services
        survey.flag_requested.connect(lambda i, f: services.culling.set_flag([i], f))
        survey.rating_requested.connect(lambda i, r: services.culling.set_rating([i], r))
        survey.open_requested.connect(self._loupe_from_survey)
        survey.compare_requested.connect(self._compare_from_survey)
        survey.closed.connect(self.back_to_grid)
        window.tournament.closed.connect(self.back_to_grid)
        window.tournament.applied.connect(self._tournament_applied)
        window.compare.closed.connect(self._closed)
        window.loupe.closed.connect(self._closed)
        window.loupe.step.connect(self._loupe_step)

    def _page(self) -> int:
        return self._w.pages.currentIndex()

    # -- compare -------------------------------------------------------------------------------

    def open_compare(self) -> None:
        chosen = self._w.lineage.to_compare(self._w.selected_ids())
        if chosen:
            self._show_compare(chosen)

    def compare_with_parent(self) -> None:
        pair = self._w.lineage.with_parent(self._w.current.record())
        if pair:
            self._show_compare(pair)

    def _show_compare(self, drafts: list[DraftRecord]) -> None:
        w = self._w
        w.compare.set_candidates(drafts)
        w.pages.setCurrentIndex(COMPARE)
        w.inspector.hide()  # the two images get the room
        w.compare.setFocus()

    # -- loupe ---------------------------------------------------------------------------------

    def follow_in_loupe(self) -> None:
        if self._page() == LOUPE and not self._from_survey:
            self.toggle_loupe(keep_open=True)

    def toggle_loupe(self, keep_open: bool = False) -> None:
        if self._page() == LOUPE and not keep_open:
            self._closed()
            return
        self._from_survey = False
        self._show_loupe(self._w.current.record())

    def _show_loupe(self, draft: DraftRecord | None) -> None:
        w = self._w
        if draft is None or draft.path is None:
            return
        w.loupe.show_draft(draft)
        w.pages.setCurrentIndex(LOUPE)
        # Full window: only the image (and the one banner) stay.
        w.inspector.hide()
        w.prompt_panel.hide()
        w.loupe.setFocus()

    def _loupe_step(self, delta: int) -> None:
        if self._from_survey:  # ← → walk through the survey's drafts, not the whole grid
            self._show_loupe(self._w.survey.move_active(delta))
        else:
            self._w.culling_actions.step(delta)

    # -- survey --------------------------------------------------------------------------------

    def open_survey(self) -> None:
        w = self._w
        ids = w.selected_ids()
        if not MIN_DRAFTS <= len(ids) <= MAX_DRAFTS:
            w.notices.tell(SURVEY_RANGE)
            return
        try:
            drafts = [w.services.library.get(i) for i in ids]
        except LibraryError as exc:
            w.notices.tell(str(exc))
            return
        with_images = [d for d in drafts if d.path is not None and not d.deleted]
        if len(with_images) < MIN_DRAFTS:
            w.notices.tell(SURVEY_RANGE)
            return
        w.survey.set_drafts(with_images)
        self._show_survey()

    def _show_survey(self) -> None:
        w = self._w
        self._from_survey = False
        w.pages.setCurrentIndex(SURVEY)
        w.inspector.hide()  # the images get the room
        w.prompt_panel.show()
        w.survey.setFocus()

    def _loupe_from_survey(self, draft_id: int) -> None:
        draft = self._survey_draft(draft_id)
        if draft is not None:
            self._show_loupe(draft)
            self._from_survey = True

    def _compare_from_survey(self, first: int, second: int) -> None:
        pair = [self._survey_draft(first), self._survey_draft(second)]
        drafts = [d for d in pair if d is not None]
        if len(drafts) == 2:
            self._show_compare(drafts)
            self._from_survey = True

    def _survey_draft(self, draft_id: int) -> DraftRecord | None:
        return next((p.draft for p in self._w.survey.panes() if p.draft.id == draft_id), None)

    # -- tournament ----------------------------------------------------------------------------

    def open_tournament(self) -> None:
        """The selection; with nothing or one selected, the latest unfinished tournament."""
        w = self._w
        ids = w.grid.selected_draft_ids()
        model = w.tournament.model
        if len(ids) <= 1:
            if not model.resume():
                w.notices.tell(TOO_FEW)
                return
        else:
            try:
                model.start(ids)
            except ValueError as exc:
                w.notices.tell(str(exc))
                return
        self._from_survey = False
        w.pages.setCurrentIndex(TOURNAMENT)
        w.inspector.hide()  # the two candidates get the room
        w.tournament.refresh()
        w.tournament.setFocus()

    def _tournament_applied(self, kind: str) -> None:
        w = self._w
        count = w.tournament.top_k.value()
        told = {
            "picks": f"Picked the top {count} of the tournament (Ctrl+Z takes it back).",
            "ratings": "Rated the tournament's drafts 5 to 1 by rank (Ctrl+Z takes it back).",
            "order": "The tournament's ranking is kept in the library.",
        }[kind]
        w.tournament.model.close()
        self.back_to_grid()
        w.notices.tell(told)

    # -- back ----------------------------------------------------------------------------------

    def _closed(self) -> None:
        if self._from_survey and self._w.survey.panes():
            self._show_survey()
        else:
            self.back_to_grid()

    def back_to_grid(self) -> None:
        w = self._w
        self._from_survey = False
        w.pages.setCurrentIndex(GRID)
        w.prompt_panel.show()
        w.inspector.setVisible(w.inspector_wanted)
        w.grid.setFocus()
