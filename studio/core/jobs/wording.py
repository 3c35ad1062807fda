"""How a batch job reads in the CLI and the app: its state, its arrivals, its age."""

from __future__ import annotations

import time

from studio.core.domain import JobState
from studio.core.library import JobRecord

_STATE_WORDS = {JobState.PREPARING: "sending"}


def age(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def state_word(job: JobRecord) -> str:
    if job.state.finished and job.waiting:
        return "importing"
    return _STATE_WORDS.get(job.state, job.state.value)


def describe(job: JobRecord, now: float | None = None) -> str:
    """ "Job 3 · running · 12 of 36 arrived · 4 min", and the service's message if any."""
    seconds = (now if now is not None else time.time()) - job.created_at
    text = f"Job {job.id} · {state_word(job)} · {job.arrived} of {job.request_count} arrived"
    text += f" · {age(seconds)}"
    return f"{text} · {job.message}" if job.message else text
