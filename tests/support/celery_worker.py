"""Run a real Celery worker for end-to-end tests, with the test site map at the network edge.

Usage: python -m tests.support.celery_worker [celery worker options]
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "briefroom.settings")

import django

django.setup()

from tests.support.sites import install_from_env  # noqa: E402

install_from_env()

from briefroom.celery import app  # noqa: E402

if __name__ == "__main__":
    app.worker_main(["worker", *sys.argv[1:]])
