"""The project package: settings, root URLs, WSGI/ASGI, the Celery app and site-wide middleware.

The Celery app is loaded here so that `shared_task` binds to it in every process.
"""

from briefroom.celery import app as celery_app

__all__ = ("celery_app",)
