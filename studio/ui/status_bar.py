"""The bottom line: which backend, counts, concurrency, tempo, money, and batch progress."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from studio.core.money import cost, noted, usd
from studio.models.studio import StudioModel
from studio.ui.theme import SANDBOX_AMBER


class StudioStatusBar(QStatusBar):
    def __init__(self, studio: StudioModel) -> None:
        super().__init__()
        self._studio = studio
        self.setAccessibleName("Status")
        self.backend = QLabel()
        self.backend.setAccessibleName("Backend")
        self.counts = QLabel()
        self.counts.setAccessibleName("Progress counts")
        tabular = QFont(self.counts.font())
        tabular.setFeature(QFont.Tag("tnum"), 1)
        self.counts.setFont(tabular)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Batch progress")
        self.progress.setMaximumWidth(160)
        self.progress.setMaximumHeight(10)
        self.progress.setTextVisible(False)
        self.addWidget(self.backend)
        self.addWidget(self.counts, 1)
        self.addPermanentWidget(self.progress)
        studio.stats_changed.connect(self.refresh)
        studio.backend_changed.connect(lambda _: self.refresh())
        studio.batch_progress.connect(self._progress)
        self.refresh()
        self._progress(0, 0)

    def refresh(self) -> None:
        studio = self._studio
        if studio.engine is None:
            self.backend.setText("● Starting…")
            self.backend.setStyleSheet("")
        elif studio.sandbox:
            self.backend.setText("● Sandbox")
            self.backend.setStyleSheet(f"color: {SANDBOX_AMBER.name()};")
        else:
            self.backend.setText("● Gemini")
            self.backend.setStyleSheet("color: #3DD68C;")
        stats = studio.stats
        done = stats.succeeded
        queued = max(0, stats.pending - stats.in_flight)
        budget = studio.session_cap_usd
        billed = not studio.sandbox
        spend = cost(stats.session_spent_usd, billed) + (f" / {usd(budget)}" if budget else "")
        self.counts.setText(
            f"in flight {stats.in_flight} · queued {queued} · done {done} · "
            f"failed {stats.failed} · blocked {stats.blocked} · ×{stats.concurrency or '–'} · "
            f"{stats.images_per_minute():.0f} img/min · {noted(spend, billed)}"
        )

    def _progress(self, finished: int, total: int) -> None:
        self.progress.setVisible(total > 0)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(finished)
