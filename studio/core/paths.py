"""Where Draft Studio keeps its library, settings and logs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "draft-studio"


@dataclass(frozen=True, slots=True)
class AppPaths:
    library: Path
    config: Path
    logs: Path

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def export_presets_file(self) -> Path:
        return self.config / "export-presets.json"

    @classmethod
    def resolve(cls, library_override: str | Path | None = None) -> AppPaths:
        """The folders to use: command line, then environment, then the platform default.

        Nothing is created here; whoever writes into a folder makes it.
        """
        # appauthor=False stops Windows from nesting the app name inside itself.
        return cls(
            library=_choose(
                library_override,
                os.environ.get("DRAFT_STUDIO_LIBRARY"),
                platformdirs.user_data_path(APP_NAME, appauthor=False) / "library",
            ),
            config=_choose(
                os.environ.get("DRAFT_STUDIO_CONFIG"),
                platformdirs.user_config_path(APP_NAME, appauthor=False),
            ),
            logs=_choose(
                os.environ.get("DRAFT_STUDIO_LOGS"),
                platformdirs.user_log_path(APP_NAME, appauthor=False),
            ),
        )


def _choose(*candidates: str | Path | None) -> Path:
    # An empty value (e.g. `DRAFT_STUDIO_LIBRARY=`) means "not set", not "the current folder".
    chosen = next(c for c in candidates if c is not None and str(c) != "")
    # Made absolute now so a relative `--library` keeps meaning the folder the user started in.
    return Path(chosen).expanduser().absolute()
