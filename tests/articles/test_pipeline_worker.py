"""End to end: a real Celery worker process on the real Redis fills in pasted articles."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import transaction

from articles.models import Article
from articles.services import article_create
from tests.articles.test_ingest import SUIDE, WIRED, png_bytes
from tests.support.httpserver import send_static
from tests.support.manifest import body, page
from tests.support.sites import SiteMap
from tests.support.worker import WorkerProcess, broker, require_postgres

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]


def wait_until(predicate, timeout: float, what: str, worker: WorkerProcess) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}\n--- worker log ---\n{worker.log()}")


def test_worker_fills_in_articles_retries_and_survives_a_killed_process(
    redis_url, local_server, pages_dir
) -> None:
    require_postgres()
    suide, wired = page(pages_dir, SUIDE), page(pages_dir, WIRED)
    site = SiteMap(local_server)

    wechat_url = (
        "https://mp.weixin.qq.com/s?__biz=MzAxMzgxNzUxOA==&mid=2650804290&idx=8"
        "&sn=d625de357b53f96d710aca4e6ec7f57c"
    )
    site.serve(wechat_url, body(pages_dir, suide))
    site.serve(suide.image_url, png_bytes((320, 200)), "image/png")

    flaky_calls = []

    def flaky(handler, request) -> None:
        flaky_calls.append(time.monotonic())
        if len(flaky_calls) == 1:
            send_static(handler, 503, {"Content-Type": "text/plain", "Retry-After": "1"}, b"busy")
        else:
            send_static(handler, 200, {"Content-Type": "text/html"}, body(pages_dir, wired))

    site.serve(wired.url, b"", handler=flaky)

    arrived, release = threading.Event(), threading.Event()
    slow_calls = []

    def slow_then_fine(handler, request) -> None:
        slow_calls.append(time.monotonic())
        if len(slow_calls) == 1:
            arrived.set()
            release.wait(15)  # the worker process is killed while it waits here
        body = (
            b"<html><head><title>Slow page</title>"
            b'<meta property="og:title" content="A page that took its time">'
            b'<meta name="description" content="Served slowly the first time.">'
            b"</head><body><p>Body text.</p></body></html>"
        )
        send_static(handler, 200, {"Content-Type": "text/html; charset=utf-8"}, body)

    slow_url = "https://slow.example.org/story"
    site.serve(slow_url, b"", handler=slow_then_fine)

    worker = WorkerProcess(redis_url, env=site.env()).start()
    try:
        with broker(redis_url):
            with transaction.atomic():
                wechat, _ = article_create(url=suide.url)
                flaky_article, _ = article_create(url=wired.url)
            first = [wechat.pk, flaky_article.pk]
            wait_until(
                lambda: Article.objects.filter(pk__in=first, fetch_state="done").count() == 2,
                45,
                "the WeChat and the flaky article to be fetched",
                worker,
            )
            wait_until(
                lambda: bool(Article.objects.get(pk=wechat.pk).image),
                20,
                "the lead image",
                worker,
            )

            # Now the only task running is the slow fetch: kill its process mid-request.
            slow, _ = article_create(url=slow_url)
            assert arrived.wait(20), worker.log()
            children = worker.children()
            assert children, "the worker has no pool processes"
            for pid in children:
                os.kill(pid, signal.SIGKILL)
            release.set()
            wait_until(
                lambda: Article.objects.get(pk=slow.pk).fetch_state == "done",
                45,
                "the slow article to be fetched after its process was killed",
                worker,
            )
    finally:
        worker.stop()

    wechat.refresh_from_db()
    assert wechat.title == suide.title
    assert wechat.source.name == suide.author_or_publication
    assert wechat.image_width == 320

    flaky_article.refresh_from_db()
    assert flaky_article.title == wired.title
    assert len(flaky_calls) == 2, "the 503 was retried once"
    assert flaky_article.fetch_attempts == 2

    slow.refresh_from_db()
    assert slow.title == "A page that took its time"
    assert len(slow_calls) >= 2, "the task was run again after its process was killed"
    assert Article.objects.filter(canonical_url__contains="slow.example.org").count() == 1

    storage = wechat.image.storage
    assert isinstance(storage, FileSystemStorage)
    images = list(Path(storage.location, "articles").rglob("*.*"))
    assert len(images) == 2  # one image and one thumbnail
