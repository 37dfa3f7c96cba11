"""Gunicorn settings for the web service, from the environment (documented in .env.example)."""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Longer than a slow export, shorter than the load balancer's idle timeout.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never takes a machine down.
max_requests = 1000
max_requests_jitter = 100
# Containers' /tmp may be a slow overlay disk; worker heartbeats are written here constantly.
# Gunicorn opens its files there with mkstemp, so a shared directory is safe.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# Load the app once in the master, then freeze what it allocated: the workers share those
# pages copy-on-write and the garbage collector stops re-scanning them on every request.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in {"1", "true", "yes", "on"}


def when_ready(server: object) -> None:
    gc.collect()
    gc.freeze()


accesslog = "-"
errorlog = "-"

# The same rule as briefroom/settings.py: JSON lines in production unless LOG_FORMAT says otherwise.
_production = os.environ.get("DJANGO_PRODUCTION", "").strip().lower() in {"1", "true", "yes", "on"}
if os.environ.get("LOG_FORMAT", "json" if _production else "text") == "json":
    _console = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            }
        },
        "handlers": {"console": _console},
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }
