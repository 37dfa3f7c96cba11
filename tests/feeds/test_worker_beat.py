"""End to end: Celery beat and a real worker poll a local feed; new items reach the inbox."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

from feeds.models import Feed, InboxItem
from tests.factories import DigestFactory, SourceFactory
from tests.feeds.conftest import FeedRoute
from tests.support.processes import stop_group
from tests.support.services import ROOT
from tests.support.worker import WorkerProcess, broker, require_postgres

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]


def feed_body(titles: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{t}</title><link>https://lab.example/{t}</link>"
        "<description>About LLM agents</description></item>"
        for t in titles
    )
    return f'<rss version="2.0"><channel><title>Lab</title>{items}</channel></rss>'.encode()


class BeatProcess:
    def __init__(self, worker: WorkerProcess, tmp: Path) -> None:
        self.env = {**os.environ, **worker.env, "FEED_ENQUEUE_INTERVAL": "1"}
        self.tmp = tmp
        self.log_path = tmp / "beat.log"
        self.process: subprocess.Popen | None = None

    def start(self, worker: WorkerProcess) -> BeatProcess:
        from django.conf import settings

        db = settings.DATABASES["default"]
        env = {
            **self.env,
            "DJANGO_SETTINGS_MODULE": "briefroom.settings",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": worker.broker_url,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "briefroom.celery", "beat", "-l", "INFO",
             "-s", str(self.tmp / "beat-schedule"), "--pidfile", ""],
            cwd=ROOT, env=env, stdout=self.log_path.open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            stop_group(self.process, grace=10)


def wait_until(predicate, timeout: float, what: str, *logs) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}\n" + "\n---\n".join(log() for log in logs))


def test_beat_and_worker_poll_a_feed_into_the_inbox(redis_url, local_server, tmp_path) -> None:
    require_postgres()
    digest = DigestFactory.create()
    route = FeedRoute(feed_body(["first", "second"]))
    feed = Feed.objects.create(
        source=SourceFactory.create(), digest=digest, url=local_server.add("/feed", handler=route)
    )
    worker = WorkerProcess(redis_url, env={"FEED_ENQUEUE_INTERVAL": "1"}).start()
    beat = BeatProcess(worker, tmp_path).start(worker)
    try:
        with broker(redis_url):
            wait_until(
                lambda: InboxItem.objects.filter(digest=digest).count() == 2,
                45, "the first poll to fill the inbox", worker.log, beat.log,
            )  # fmt: skip
            # The feed is not due again for an hour: beat leaves it alone.
            time.sleep(3)
            assert route.statuses == [200]

            # An hour later (moved forward here), the feed has a new item.
            route.body = feed_body(["third", "first", "second"])
            Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())
            wait_until(
                lambda: InboxItem.objects.filter(digest=digest).count() == 3,
                30, "the new item to arrive", worker.log, beat.log,
            )  # fmt: skip

            # Due again with nothing new: a 304, and the inbox is unchanged.
            Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())
            wait_until(lambda: 304 in route.statuses, 30, "a conditional poll", worker.log)
    finally:
        beat.stop()
        worker.stop()

    assert InboxItem.objects.filter(digest=digest).count() == 3
    newest = InboxItem.objects.filter(digest=digest).order_by("-arrived_at", "-id").first()
    assert newest.article.title == "third"
    feed.refresh_from_db()
    assert (feed.status, feed.consecutive_errors, feed.last_new_items) == ("ok", 0, 1)
