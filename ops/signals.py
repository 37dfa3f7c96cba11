"""Celery signals that refresh the heartbeats without waiting for the first beat tick."""

from __future__ import annotations

from celery.signals import beat_init, before_task_publish, worker_ready

from ops.heartbeat import HEARTBEAT_TASK, heartbeat_record


@worker_ready.connect
def _worker_ready(**kwargs) -> None:
    heartbeat_record("worker")


@beat_init.connect
def _beat_started(**kwargs) -> None:
    heartbeat_record("beat")


@before_task_publish.connect(sender=HEARTBEAT_TASK)
def _beat_sent_heartbeat(**kwargs) -> None:
    # Only beat sends this task, so each send shows its scheduler loop is still turning.
    heartbeat_record("beat")
