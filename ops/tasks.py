"""Periodic operational tasks."""

from __future__ import annotations

from celery import shared_task

from ops.heartbeat import heartbeat_record


@shared_task(ignore_result=True)
def worker_heartbeat() -> None:
    """Sent by beat every WORKER_HEARTBEAT_INTERVAL: running it proves a worker takes tasks."""
    heartbeat_record("worker")
