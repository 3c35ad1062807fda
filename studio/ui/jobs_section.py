"""The Jobs section under Generate: each batch job's state, arrivals and age, and Cancel."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.jobs.wording import age, state_word
from studio.core.library import JobRecord
from studio.models.jobs import JobsModel

_SHOWN = 4  # the unfinished jobs, then the most recent finished ones, up to this many
_RECENT_S = 24 * 3600


class _JobRow(QWidget):
    def __init__(self, job: JobRecord, jobs: JobsModel) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(3)
        line = QHBoxLayout()
        self.label = QLabel()
        self.label.setAccessibleName(f"Batch job {job.id}")
        line.addWidget(self.label, 1)
        if not job.state.finished:
            cancel = QToolButton()
            cancel.setText("Cancel")
            cancel.setAccessibleName(f"Cancel batch job {job.id}")
            cancel.setToolTip("Cancel this job: what it has not answered yet is not billed")
            cancel.clicked.connect(lambda: jobs.cancel(job.id))
            line.addWidget(cancel)
        layout.addLayout(line)
        bar = QProgressBar()
        bar.setRange(0, max(1, job.request_count))
        bar.setValue(job.arrived)
        bar.setTextVisible(False)
        bar.setFixedHeight(4)
        layout.addWidget(bar)
        self.job = job
        self.show_age()

    def show_age(self) -> None:
        job = self.job
        text = (
            f"Job {job.id} · {state_word(job)} · {job.arrived} of {job.request_count}"
            f" · {age(time.time() - job.created_at)}"
        )
        self.label.setText(text)
        self.setToolTip(job.message or f"{job.model} · {job.name or 'not sent yet'}")


class JobsSection(QFrame):
    def __init__(self, jobs: JobsModel) -> None:
        super().__init__()
        self._jobs = jobs
        self.setAccessibleName("Batch jobs")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(4)
        title = QLabel("Batch jobs")
        title.setStyleSheet("font-weight: 600;")
        layout.addWidget(title)
        self._rows = QVBoxLayout()
        self._rows.setSpacing(6)
        layout.addLayout(self._rows)
        self.rows: list[_JobRow] = []
        # Ages move on while nothing else happens.
        self._clock = QTimer(self)
        self._clock.setInterval(15_000)
        self._clock.timeout.connect(self._show_ages)
        jobs.changed.connect(self.refresh)
        self.refresh()

    def _show_ages(self) -> None:
        for row in self.rows:
            row.show_age()

    def refresh(self) -> None:
        for row in self.rows:
            # Out of the section now, gone later: a row being clicked may still be on the stack.
            self._rows.removeWidget(row)
            row.setParent(None)
            row.deleteLater()
        now = time.time()
        unfinished = [job for job in self._jobs.jobs if not job.done]
        recent = [
            job
            for job in self._jobs.jobs
            if job.done and now - (job.finished_at or job.created_at) < _RECENT_S
        ]
        shown = (unfinished + recent)[:_SHOWN]
        self.rows = [_JobRow(job, self._jobs) for job in shown]
        for row in self.rows:
            self._rows.addWidget(row)
        self.setVisible(bool(shown))
        if unfinished:
            self._clock.start()
        else:
            self._clock.stop()
