"""The one Celery application of the project."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "briefroom.settings")

app = Celery("briefroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
