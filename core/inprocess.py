"""Queueing Celery tasks, or running them on a small thread pool when there is no broker."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from functools import cache

from django.conf import settings
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=4, thread_name_prefix="briefroom-task")


def _run(task, args: tuple) -> None:
    close_old_connections()
    try:
        task.apply(args=args, throw=False)
    except Exception:
        logger.exception("in-process task %s%r failed", task.name, args)
    finally:
        connection.close()


def enqueue(task, *args) -> None:
    """`task.delay(*args)`, unless tasks run in-process on threads (no broker configured)."""
    if settings.TASKS_IN_THREADS:
        _pool().submit(_run, task, args)
    else:
        task.delay(*args)
