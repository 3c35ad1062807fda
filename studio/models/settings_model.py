"""The user's settings as observable state: validated edits, saved off the GUI thread."""

from __future__ import annotations

import asyncio
import math
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.core.catalog import Catalog, CatalogError
from studio.core.paths import AppPaths
from studio.core.settings import (
    API_VERSIONS,
    CONCURRENCY_RANGE,
    GRID_FILTERS,
    GRID_MADE,
    GRID_ORDERS,
    GRID_RATINGS,
    TIMEOUT_RANGE,
    Settings,
)
from studio.models.tasks import TaskRunner

# What the schema version and load warnings mean is decided by Settings itself, never by an edit.
_EDITABLE = frozenset(f.name for f in fields(Settings)) - {"schema_version", "warnings"}


class SettingsModel(QObject):
    """Holds one `Settings`; `update` checks an edit, applies it at once and saves it.

    Saving runs in a worker thread (the file is fsync'ed) and is coalesced: a burst of edits
    writes the file once or twice, always ending with the latest values. `flush` waits for it.
    """

    changed = Signal()

    def __init__(
        self,
        paths: AppPaths,
        runner: TaskRunner,
        settings: Settings | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._paths = paths
        self._runner = runner
        self._settings = settings if settings is not None else Settings.load(paths.settings_file)
        self._catalog = self._settings.catalog()
        self._save_task: asyncio.Task[None] | None = None
        self._dirty = False

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def catalog(self) -> Catalog:
        """The models the default-model picker offers, with the user's edits applied."""
        return self._catalog

    @property
    def paths(self) -> AppPaths:
        return self._paths

    @property
    def path(self) -> Path:
        return self._paths.settings_file

    def update(self, **changes: Any) -> None:
        """Apply and save `changes`; a ValueError says in words which value is wrong.

        Nothing is applied unless every change is valid. Switching the default model also
        moves the default aspect and size to ones that model offers, unless they are given.
        """
        unknown = sorted(set(changes) - _EDITABLE)
        if unknown:
            raise ValueError(f"Unknown setting: {', '.join(unknown)}.")
        candidate = replace(self._settings, **_checked_scalars(changes))
        catalog = candidate.catalog() if "model_overrides" in changes else self._catalog
        candidate = _fit_model(candidate, catalog, changes)
        if candidate == self._settings:
            return
        self._settings = candidate
        self._catalog = catalog
        self.changed.emit()
        self._schedule_save()

    async def flush(self) -> None:
        """Wait until the file holds the latest values (re-raises a failed save)."""
        while self._save_task is not None and not self._save_task.done():
            await asyncio.shield(self._save_task)
        if self._save_task is not None and not self._save_task.cancelled():
            self._save_task.result()

    def _schedule_save(self) -> None:
        if self._save_task is not None and not self._save_task.done():
            self._dirty = True
            return
        self._save_task = self._runner.run(self._save_latest(), "Saving settings")

    async def _save_latest(self) -> None:
        while True:
            self._dirty = False
            await asyncio.to_thread(self._settings.save, self._paths.settings_file)
            if not self._dirty:
                return


def _checked_scalars(changes: dict[str, Any]) -> dict[str, Any]:
    """The changes in the types Settings holds, checked against the ranges load() enforces."""
    checked = dict(changes)
    if "max_concurrency" in changes:
        value = changes["max_concurrency"]
        low, high = CONCURRENCY_RANGE
        if not _is_int(value) or not low <= value <= high:
            raise ValueError(f"Max concurrency must be a whole number from {low} to {high}.")
    for name, label in (("session_budget_usd", "session"), ("daily_budget_usd", "daily")):
        if name in changes:
            value = changes[name]
            if value is not None and (not _is_number(value) or value <= 0):
                raise ValueError(
                    f"The {label} budget must be an amount in US dollars above 0, "
                    "or none for no cap."
                )
            checked[name] = None if value is None else float(value)
    if "request_timeout_s" in changes:
        value = changes["request_timeout_s"]
        shortest, longest = TIMEOUT_RANGE
        if not _is_number(value) or not shortest <= value <= longest:
            raise ValueError(
                f"The request timeout must be from {shortest:g} to {longest:g} seconds."
            )
        checked["request_timeout_s"] = float(value)
    if "api_version" in changes and changes["api_version"] not in (None, *API_VERSIONS):
        raise ValueError(f"The API version must be one of {', '.join(API_VERSIONS)}, or none.")
    for name in ("default_model", "default_aspect", "default_size"):
        if name in changes and not isinstance(changes[name], str):
            raise ValueError(f"{name} must be text.")
    if "keep_focus_in_prompt" in changes and not isinstance(changes["keep_focus_in_prompt"], bool):
        raise ValueError("Keep focus in the prompt must be on or off.")
    _check_grid(changes)
    if "recent_prompts" in changes:
        prompts = changes["recent_prompts"]
        if isinstance(prompts, str) or not all(isinstance(p, str) for p in prompts):
            raise ValueError("Recent prompts must be a list of text.")
        checked["recent_prompts"] = tuple(prompts)
    if "model_overrides" in changes:
        overrides = changes["model_overrides"]
        if not isinstance(overrides, list | tuple) or not all(
            isinstance(entry, dict) for entry in overrides
        ):
            raise ValueError("Model edits must each be a table of values.")
        try:
            Catalog().with_overrides(overrides)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"A model edit does not make sense: {exc}") from None
        checked["model_overrides"] = tuple(dict(entry) for entry in overrides)
    return checked


def _check_grid(changes: dict[str, Any]) -> None:
    for name, choices in (
        ("grid_filter", GRID_FILTERS),
        ("grid_made", GRID_MADE),
        ("grid_order", GRID_ORDERS),
    ):
        if name in changes and changes[name] not in choices:
            raise ValueError(f"{name} must be one of {', '.join(choices)}.")
    low, high = GRID_RATINGS
    rating = changes.get("grid_min_rating", low)
    if not _is_int(rating) or not low <= rating <= high:
        raise ValueError(f"The grid's minimum rating must be {low} to {high} stars.")
    if not isinstance(changes.get("grid_model", ""), str | None):
        raise ValueError("The grid's model must be a model id, or none for any.")


def _fit_model(candidate: Settings, catalog: Catalog, changes: dict[str, Any]) -> Settings:
    try:
        spec = catalog.get(candidate.default_model)
    except CatalogError as exc:
        raise ValueError(str(exc)) from None
    aspect, size = candidate.default_aspect, candidate.default_size
    if aspect not in spec.ratios:
        if "default_aspect" in changes:
            raise ValueError(f"{spec.label} does not make {aspect} images.")
        aspect = spec.ratios[0]
    if size not in spec.sizes:
        if "default_size" in changes:
            raise ValueError(f"{spec.label} does not make {size} images.")
        size = spec.sizes[0]
    return replace(candidate, default_aspect=aspect, default_size=size)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)
