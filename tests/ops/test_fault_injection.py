"""The failure contract, shown by breaking real processes: Redis, PostgreSQL, a worker group.

Each test serves the site with gunicorn on the test database, breaks one dependency while
readers read and an editor edits, restores it, and checks what everyone saw.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from rest_framework.authtoken.models import Token

from articles.models import Article
from articles.services import article_create
from articles.tasks import sweep_stuck_articles
from tests.articles.test_ingest import png_bytes
from tests.digest.test_archive_builders import make_issue
from tests.factories import editor
from tests.ops.faults import Proxy, RedisServer, Site, database_url, wait_for
from tests.support.httpserver import send_static
from tests.support.sites import SiteMap
from tests.support.worker import WorkerProcess, broker, require_postgres

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.timeout(180),
]
HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}
PAGE_KEYS = "*pagecache:page:*"


def text(response: tuple[int, dict[str, str], bytes]) -> str:
    return response[2].decode()


@pytest.mark.redis
def test_a_redis_outage_degrades_and_never_serves_a_page_older_than_an_edit(tmp_path) -> None:
    require_postgres()
    issue = make_issue()
    article = issue.entries.order_by("position").first().article
    token = Token.objects.create(user=editor()).key
    page, api_issue = issue.get_absolute_url(), f"/api/v1/issues/{issue.pk}/"
    feeds = ["/feeds/rss/", "/feeds/atom/"]
    store = RedisServer(tmp_path).start()
    site = Site(tmp_path, DATABASE_URL=database_url(), REDIS_URL=store.url).start()
    cache = redis.Redis.from_url(store.url)
    try:
        before = site.get(page, HTML)
        assert before[0] == 200 and article.title in text(before)
        for path in [api_issue, *feeds]:
            assert site.get(path, JSON)[0] == 200, path
        assert site.get(page, HTML)[2] == before[2]
        assert cache.keys(PAGE_KEYS), "the issue page was stored in Redis"

        store.kill()

        # Readers: every page renders from the database.
        for path in [page, "/", "/archive/", api_issue, "/api/v1/issues/", *feeds]:
            assert site.get(path, JSON if "api" in path else HTML)[0] == 200, path
        ready = site.get("/readyz")
        assert ready[0] == 200, text(ready)
        assert json.loads(ready[2])["status"] == "degraded"
        assert "redis" in json.loads(ready[2])["failing"]
        assert site.get("/healthz")[0] == 200
        # Editors: an edit through the API and pasted URLs both save.
        edited = site.request(
            "PATCH",
            f"/api/v1/articles/{article.pk}/",
            {"title": "停机时改的标题"},
            {**JSON, "Authorization": f"Token {token}"},
        )
        assert edited[0] == 200, text(edited)
        added = site.manage("add_articles", "https://example.org/written-during-the-outage")
        assert added.returncode == 0, added.stderr
        assert "Traceback" not in added.stderr
        pending = Article.objects.get(canonical_url__contains="written-during-the-outage")
        assert pending.fetch_state == Article.FetchState.PENDING
        during = site.get(page, HTML)
        assert during[0] == 200 and "停机时改的标题" in text(during)

        store.start()

        assert cache.keys(PAGE_KEYS), "Redis came back with the copy stored before the edit"
        for _ in range(3):  # the first render after the return is stored, then served
            after = site.get(page, HTML)
            assert after[0] == 200 and "停机时改的标题" in text(after)
            assert article.title not in text(after)
        api_after = json.loads(site.get(api_issue, JSON)[2])
        assert "停机时改的标题" in json.dumps(api_after, ensure_ascii=False)
        assert json.loads(site.get("/readyz")[2])["checks"]["redis"]["status"] == "ok"
        # The sweeper queues what could not be queued during the outage.
        swept = site.manage(
            "shell",
            "-c",
            "from articles.tasks import sweep_stuck_articles; print(sweep_stuck_articles())",
            FETCH_SWEEP_PENDING_AFTER="0",
        )
        assert swept.returncode == 0, swept.stderr
        assert int(swept.stdout.split()[-1]) >= 1  # after the shell's own banner
        assert cache.llen("fetch") >= 1, "the pending article is queued for fetching"
    finally:
        site.stop()
        store.kill()


def test_a_database_outage_answers_503_with_retry_after_and_recovers(tmp_path) -> None:
    require_postgres()
    issue = make_issue()
    page = issue.get_absolute_url()
    postgres = database_url().split("@", 1)[1].split("/", 1)[0]
    host, port = postgres.rsplit(":", 1)
    proxy = Proxy((host, int(port))).start()
    site = Site(tmp_path, DATABASE_URL=database_url(proxy.port), REDIS_URL="").start()
    try:
        assert site.get(page, HTML)[0] == 200

        proxy.cut()
        # A web process trusts the content version it read for the check interval, so
        # pages it holds are served that long; after it, the version must be read.
        time.sleep(settings.PAGECACHE_VERSION_CHECK_MS / 1000 + 0.2)

        reader = site.get(page, HTML)
        assert reader[0] == 503, text(reader)
        assert reader[1]["Retry-After"] == "30"
        assert reader[1]["Content-Type"].startswith("text/html")
        assert "Traceback" not in text(reader) and "<main>" in text(reader)
        client = site.get("/api/v1/issues/", JSON)
        assert client[0] == 503 and client[1]["Retry-After"] == "30"
        assert json.loads(client[2])["error"]["code"] == "unavailable"
        assert site.get("/healthz")[0] == 200
        ready = site.get("/readyz")
        assert ready[0] == 503 and json.loads(ready[2])["failing"] == ["database"]

        proxy.start()

        wait_for(lambda: site.get(page, HTML)[0] == 200, "the site to read again")
        assert site.get("/readyz")[0] == 200
    finally:
        site.stop()
        proxy.cut()


@pytest.mark.redis
@pytest.mark.celery_worker
def test_a_worker_group_killed_mid_fetch_recovers_through_the_sweeper(
    redis_url, local_server, settings
) -> None:
    require_postgres()
    site = SiteMap(local_server)
    arrived, release = threading.Event(), threading.Event()
    calls: list[float] = []

    def slow_then_fine(handler, request) -> None:
        calls.append(time.monotonic())
        if len(calls) == 1:
            arrived.set()
            release.wait(20)  # the whole worker group is killed while this waits
        body = (
            b"<html><head><title>Slow page</title>"
            b'<meta property="og:title" content="A page that outlived its worker">'
            b'<meta property="og:image" content="https://slow.example.org/lead.png">'
            b"</head><body><p>Body text.</p></body></html>"
        )
        send_static(handler, 200, {"Content-Type": "text/html; charset=utf-8"}, body)

    url = "https://slow.example.org/story"
    site.serve(url, b"", handler=slow_then_fine)
    site.serve("https://slow.example.org/lead.png", png_bytes((320, 200)), "image/png")
    settings.FETCH_SWEEP_FETCHING_AFTER = 1
    first: WorkerProcess | None = None
    second: WorkerProcess | None = None
    try:
        # The broker is emptied first, so the worker takes no task left queued by other tests.
        with broker(redis_url):
            first = WorkerProcess(redis_url, env=site.env()).start()
            article, _ = article_create(url=url)
            assert arrived.wait(30), first.log()
            assert Article.objects.get(pk=article.pk).fetch_state == "fetching"
            assert first.process is not None
            os.killpg(first.process.pid, signal.SIGKILL)  # main process and pool at once
            first.process.wait(timeout=10)
            killed_at = time.monotonic()
            release.set()

            time.sleep(settings.FETCH_SWEEP_FETCHING_AFTER + 0.5)
            assert sweep_stuck_articles() == 1
            second = WorkerProcess(redis_url, env=site.env()).start()
            wait_for(
                lambda: (
                    Article.objects.get(pk=article.pk).fetch_state == "done"
                    and bool(Article.objects.get(pk=article.pk).image)
                ),
                "the article and its image after the group was killed",
                timeout=60,
                log=second.log_path,
            )
            recovered = time.monotonic() - killed_at
    finally:
        release.set()
        if first is not None:
            first.stop()
        if second is not None:
            second.stop()

    assert recovered < 60
    assert len(calls) >= 2, "the fetch ran again after its worker group was killed"
    assert Article.objects.filter(canonical_url__contains="slow.example.org/story").count() == 1
    article.refresh_from_db()
    assert article.title == "A page that outlived its worker"
    storage = article.image.storage
    assert isinstance(storage, FileSystemStorage)
    images = list(Path(storage.location, "articles").rglob("*.*"))
    assert len(images) == 2  # one image and its thumbnail
