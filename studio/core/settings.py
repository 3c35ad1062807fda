"""User settings saved as JSON. Nothing secret goes here: the API key lives in the keyring."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from studio.core.catalog import DRAFT_MODEL, Catalog
from studio.core.jsonfile import keep_damaged, write_json_atomically
from studio.core.secrets import GOOGLE_KEY_PATTERN

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

SCHEMA_VERSION = 1
MAX_RECENT_PROMPTS = 200
API_VERSIONS = ("v1", "v1beta", "v1alpha")
CONCURRENCY_RANGE = (1, 64)
TIMEOUT_RANGE = (5.0, 600.0)
# The grid's remembered view; the values are studio.models' FilterMode, Made and GridOrder.
GRID_FILTERS = ("all", "picks", "min_rating", "hide_rejects")
GRID_MADE = ("any", "fresh", "refine", "edit", "vary")
GRID_ORDERS = ("newest", "rating", "rank")
GRID_RATINGS = (1, 5)

# Step N turns a version-N file into a version-(N+1) one. v1 is the first schema.
_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


@dataclass(frozen=True, slots=True)
class Settings:
    schema_version: int = SCHEMA_VERSION
    default_model: str = DRAFT_MODEL
    default_aspect: str = "1:1"
    default_size: str = "1K"
    max_concurrency: int = 64  # in flight at most; the pacer keeps to the rate limit
    session_budget_usd: float | None = None  # None: no cap
    daily_budget_usd: float | None = None
    request_timeout_s: float = 90.0
    api_version: str | None = None  # None: the SDK's default
    model_overrides: tuple[dict[str, Any], ...] = ()
    recent_prompts: tuple[str, ...] = ()  # newest first
    # Off: after Generate the new batch's first tile takes focus, ready for culling keys.
    keep_focus_in_prompt: bool = False
    # The grid's filter strip as last left (the prompt search is not kept: it is a lookup).
    grid_filter: str = "all"
    grid_min_rating: int = 3
    grid_model: str | None = None  # None: any model
    grid_made: str = "any"
    grid_order: str = "newest"
    # What load() had to fix, in words for the user; never saved.
    warnings: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def load(cls, path: Path) -> Settings:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls()
        except OSError as exc:
            return cls(warnings=(f"Could not read {path}: {exc.strerror}; using defaults.",))
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except ValueError:
            return cls(warnings=(_keep_damaged(path),))
        return _Reader(path.name).read(data)

    def save(self, path: Path) -> None:
        write_json_atomically(path, self.to_json())

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in _SAVED_FIELDS}
        data["model_overrides"] = [dict(o) for o in self.model_overrides]
        # A key pasted into the prompt box by mistake must not end up in a plain-text file.
        data["recent_prompts"] = [
            p for p in self.recent_prompts if not GOOGLE_KEY_PATTERN.search(p)
        ]
        return data

    def remember_prompt(self, prompt: str) -> Settings:
        if not prompt.strip():
            return self
        recent = [prompt, *(p for p in self.recent_prompts if p != prompt)]
        return replace(self, recent_prompts=tuple(recent[:MAX_RECENT_PROMPTS]))

    def catalog(self) -> Catalog:
        """The model table with the user's edits; an edit that does not make sense is skipped."""
        catalog, problems = _apply_overrides(self.model_overrides)
        for problem in problems:
            logger.warning("%s", problem)
        return catalog


_SAVED_FIELDS = tuple(f.name for f in fields(Settings) if f.name != "warnings")


def _apply_overrides(overrides: Sequence[Mapping[str, Any]]) -> tuple[Catalog, list[str]]:
    catalog = Catalog()
    problems = []
    for number, entry in enumerate(overrides, start=1):
        try:
            catalog = catalog.with_overrides([entry])
        except KeyError as exc:
            problems.append(_override_problem(entry, number, f"it has no {exc.args[0]!r}."))
        except (TypeError, ValueError, AttributeError) as exc:
            problems.append(_override_problem(entry, number, str(exc)))
    return catalog, problems


def _override_problem(entry: Mapping[str, Any], number: int, reason: str) -> str:
    name = _show(entry["id"]) if "id" in entry else f"number {number}"
    return _redact(f"The model edit {name} is ignored: {reason}")


def _keep_damaged(path: Path) -> str:
    backup = keep_damaged(path)
    if backup is None:
        return f"{path.name} is damaged and could not be copied aside; using defaults."
    return f"{path.name} is damaged; using defaults. The damaged file is kept as {backup.name}."


class _Reader:
    """Turns parsed JSON into Settings, replacing each bad value by its default with a warning."""

    def __init__(self, file_name: str) -> None:
        self._file = file_name
        self._warnings: list[str] = []

    def read(self, data: dict[str, Any]) -> Settings:
        data = self._migrate(data)
        default = Settings()
        for unknown in sorted(data.keys() - set(_SAVED_FIELDS)):
            self._warnings.append(
                f"{self._file} has a setting Draft Studio does not know, {_show(unknown)}; "
                "it is ignored."
            )
        overrides = self._overrides(data.get("model_overrides", []))
        catalog, problems = _apply_overrides(overrides)
        self._warnings.extend(problems)

        model = self._text(data, "default_model", default.default_model)
        if model not in catalog.ids():
            model = self._reject("default_model", model, "is not a known model", DRAFT_MODEL)
        spec = catalog.get(model)
        aspect = self._text(data, "default_aspect", default.default_aspect)
        if aspect not in spec.ratios:
            aspect = self._reject(
                "default_aspect", aspect, f"is not offered by {spec.label}", spec.ratios[0]
            )
        size = self._text(data, "default_size", default.default_size)
        if size not in spec.sizes:
            size = self._reject(
                "default_size", size, f"is not offered by {spec.label}", spec.sizes[0]
            )
        return Settings(
            default_model=model,
            default_aspect=aspect,
            default_size=size,
            max_concurrency=self._concurrency(data, default.max_concurrency),
            session_budget_usd=self._budget(data, "session_budget_usd"),
            daily_budget_usd=self._budget(data, "daily_budget_usd"),
            request_timeout_s=self._timeout(data, default.request_timeout_s),
            api_version=self._api_version(data),
            model_overrides=tuple(overrides),
            recent_prompts=self._prompts(data.get("recent_prompts", [])),
            keep_focus_in_prompt=self._switch(
                data, "keep_focus_in_prompt", default.keep_focus_in_prompt
            ),
            **self._grid(data),
            warnings=tuple(self._warnings),
        )

    def _grid(self, data: dict[str, Any]) -> dict[str, Any]:
        default = Settings()
        low, high = GRID_RATINGS
        rating = data.get("grid_min_rating", default.grid_min_rating)
        if not _is_int(rating) or not low <= rating <= high:
            rating = self._reject("grid_min_rating", rating, f"is not {low}-{high} stars", 3)
        model = data.get("grid_model")
        if model is not None and not isinstance(model, str):
            model = self._reject("grid_model", model, "is not text", None)
        return {
            "grid_filter": self._choice(data, "grid_filter", GRID_FILTERS),
            "grid_min_rating": rating,
            "grid_model": model,
            "grid_made": self._choice(data, "grid_made", GRID_MADE),
            "grid_order": self._choice(data, "grid_order", GRID_ORDERS),
        }

    def _choice(self, data: dict[str, Any], name: str, choices: tuple[str, ...]) -> str:
        value = data.get(name, choices[0])
        if value not in choices:
            return self._reject(name, value, f"is not one of {', '.join(choices)}", choices[0])
        return str(value)

    def _migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        version = data.get("schema_version", SCHEMA_VERSION)
        if not _is_int(version) or version < 1:
            self._reject("schema_version", version, "is not a schema version", SCHEMA_VERSION)
            version = SCHEMA_VERSION
        elif version > SCHEMA_VERSION:
            self._warnings.append(
                f"{self._file} was written by a newer Draft Studio (schema {version}); "
                "settings this version does not know are ignored."
            )
        while version < SCHEMA_VERSION:
            data = _MIGRATIONS[version](data)
            version += 1
        return data

    def _text(self, data: dict[str, Any], name: str, default: str) -> str:
        value = data.get(name, default)
        if not isinstance(value, str):
            return self._reject(name, value, "is not text", default)
        return value

    def _switch(self, data: dict[str, Any], name: str, default: bool) -> bool:
        value = data.get(name, default)
        if not isinstance(value, bool):
            return self._reject(name, value, "is not true or false", default)
        return value

    def _concurrency(self, data: dict[str, Any], default: int) -> int:
        name = "max_concurrency"
        value = data.get(name, default)
        low, high = CONCURRENCY_RANGE
        if not _is_int(value):
            return self._reject(name, value, "is not a whole number", default)
        if not low <= value <= high:
            return self._reject(name, value, f"is out of range {low}-{high}", default)
        return int(value)

    def _budget(self, data: dict[str, Any], name: str) -> float | None:
        value = data.get(name)
        if value is None:
            return None
        if not _is_number(value):
            return self._reject(name, value, "is not an amount in US dollars", None)
        if value <= 0:
            return self._reject(name, value, "must be more than 0", None)
        return float(value)

    def _timeout(self, data: dict[str, Any], default: float) -> float:
        name = "request_timeout_s"
        value = data.get(name, default)
        low, high = TIMEOUT_RANGE
        if not _is_number(value):
            return self._reject(name, value, "is not a number of seconds", default)
        if not low <= value <= high:
            return self._reject(name, value, f"is out of range {low:g}-{high:g}", default)
        return float(value)

    def _api_version(self, data: dict[str, Any]) -> str | None:
        value = data.get("api_version")
        if value is not None and value not in API_VERSIONS:
            choices = ", ".join(API_VERSIONS)
            return self._reject("api_version", value, f"is not one of {choices}", None)
        return value

    def _overrides(self, value: Any) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            return self._reject("model_overrides", value, "is not a list", [])
        kept = [entry for entry in value if isinstance(entry, dict)]
        if len(kept) < len(value):
            self._warnings.append(
                f"model_overrides in {self._file} has entries that are not models; "
                "they are ignored."
            )
        return kept

    def _prompts(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            return self._reject("recent_prompts", value, "is not a list", ())
        prompts = [p for p in value if isinstance(p, str)]
        if len(prompts) < len(value):
            self._warnings.append(
                f"recent_prompts in {self._file} has entries that are not text; they are ignored."
            )
        return tuple(prompts[:MAX_RECENT_PROMPTS])

    def _reject(self, name: str, value: Any, problem: str, default: _T) -> _T:
        self._warnings.append(
            f"{name} {_show(value)} in {self._file} {problem}; using {_show(default)}."
        )
        return default


def _is_int(value: Any) -> bool:
    # bool is an int subclass; `true` in the file is a mistake, not 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


def _show(value: Any) -> str:
    text = "none" if value is None else json.dumps(value, ensure_ascii=False)
    text = _redact(text)
    return text if len(text) <= 40 else text[:37] + "..."


def _redact(text: str) -> str:
    return GOOGLE_KEY_PATTERN.sub("[redacted]", text)
