"""Batch API jobs: half-price work the service runs within 24 hours, sent, polled and imported
through the library so that a job outlives the process that sent it."""

from studio.core.jobs.runner import JobRefused, JobRunner, draft_key

__all__ = ["JobRefused", "JobRunner", "draft_key"]
