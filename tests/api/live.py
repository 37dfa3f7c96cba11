"""A real API server in its own process (gunicorn on a free port), and a newsroom to seed it.

The server shares the test database: rows a test commits are what the server sees. Tasks go
to a Redis broker that no worker reads, so nothing a generated request names (article URLs,
webhook targets) is ever fetched or called.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from articles.models import RelatedLink
from digest.models import Digest, Entry, Issue
from tests.factories import ArticleFactory, DigestFactory, SourceFactory, editor
from tests.support.processes import stop_group
from tests.support.services import ROOT
from webhooks.models import Event, WebhookSubscription

HIGH_RATE = "1000000/min"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@contextlib.contextmanager
def api_server(*, broker_url: str, log_path: Path, **env: str) -> Iterator[str]:
    """Serve the project with gunicorn until the block ends; yields the base URL."""
    port = free_port()
    process_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "briefroom.settings",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": broker_url,
        "API_THROTTLE_ANON": HIGH_RATE,
        "API_THROTTLE_USER": HIGH_RATE,
        "PAGECACHE_ENABLED": "false",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
        "GUNICORN_PRELOAD": "false",
        "GUNICORN_TIMEOUT": "60",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.api.serve", "-c", "gunicorn.conf.py", "briefroom.wsgi"],
            cwd=ROOT,
            env=process_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_serving(process, f"{base}/api/v1/", log_path)
            yield base
        finally:
            _stop(process)


def _wait_until_serving(process: subprocess.Popen, url: str, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API server exited:\n{log_path.read_text()[-4000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2):
            return
        time.sleep(0.3)
    raise RuntimeError(f"the API server did not start:\n{log_path.read_text()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        stop_group(process)


def seed_newsroom() -> str:
    """Published, draft and scheduled issues with entries, and an editor; returns its token."""
    digest = DigestFactory.create(numbering=Digest.Numbering.SEQUENTIAL)
    now = timezone.now()
    for number in range(1, 4):
        _issue(digest, number, Issue.Status.PUBLISHED, now - dt.timedelta(days=10 - number))
    _issue(digest, 4, Issue.Status.SCHEDULED, now + dt.timedelta(days=3))
    _issue(digest, 5, Issue.Status.DRAFT, None)
    _issue(digest, 6, Issue.Status.DRAFT, None, entries=0)
    WebhookSubscription.objects.create(
        name="Archive mirror",
        target_url="https://hooks.example/briefroom",
        events=[Event.ISSUE_PUBLISHED],
    )
    return Token.objects.create(user=editor()).key


def _issue(
    digest: Digest,
    number: int,
    status: str,
    published_at: dt.datetime | None,
    entries: int = 3,
) -> Issue:
    issue = Issue.objects.create(
        digest=digest,
        number=number,
        title=f"第 {number} 期",
        status=status,
        published_at=published_at,
    )
    source = SourceFactory.create()
    for position in range(1, entries + 1):
        article = ArticleFactory.create(
            source=source, summary=f"第 {number} 期的第 {position} 条。"
        )
        article.tags.create(name=f"tag-{number}-{position}")
        RelatedLink.objects.create(article=article, label="论文", url="https://arxiv.org/abs/1")
        section = Entry.Section.MAIN if position < entries else Entry.Section.OTHERS
        Entry.objects.create(issue=issue, article=article, position=position, section=section)
    return issue
