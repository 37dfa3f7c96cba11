"""Feed polling: 1,000 feeds on a local server answering after 200 ms, half of them 304.

A threaded server on 127.0.0.1 serves 1,000 small RSS feeds, each after 200 ms. Half the
feeds are stored with the ETag the server sends, so they answer 304 Not Modified; the
other half answer 200 with five items (taken with "feed data is enough", so no page
fetch follows). A Celery worker (thread pool, C threads, on its own Redis database)
polls them: the bench queues every feed through `enqueue_due_feeds`, the task beat runs,
and waits until the server has answered all of them and each poll has finished.

Judged: polled feeds/s against the ideal C / 0.2 s (target >= 0.8 x), and the database
writes (INSERT/UPDATE/DELETE) of polling a not-modified feed, counted in this process with
CaptureQueriesContext (target 0), for a 304 and for a server that ignores conditional GET.

Run alone:  .venv/bin/python bench/feeds.py   (or: make bench-feeds)
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (
    BROKER_REDIS_URL,
    Result,
    bench_env,
    celery_worker,
    flush_redis,
    heading,
)

FEEDS = 1000
DELAY = 0.2  # seconds before the server answers
CONCURRENCIES = tuple(
    int(c) for c in os.environ.get("BENCH_FEEDS_CONCURRENCY", "4,8,16").split(",") if c
)
TARGET_SHARE = 0.8
POOL = os.environ.get("BENCH_FEEDS_POOL", "threads")
PATH_PREFIX = "/bench-feed/"


def feed_body(number: int, port: int) -> bytes:
    items = "".join(
        f"<item><title>Bench feed {number} item {n}: a model release</title>"
        f"<link>http://127.0.0.1:{port}/story/{number}/{n}</link>"
        f"<description>What is new in release {n}.</description>"
        f"<pubDate>Tue, 0{n + 1} Oct 2024 08:00:00 +0000</pubDate></item>"
        for n in range(5)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Bench feed {number}</title>{items}</channel></rss>"
    ).encode()


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


class SlowFeeds(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SlowFeedHandler)
        self.answers: Counter[int] = Counter()
        self.lock = threading.Lock()


class SlowFeedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SlowFeeds

    def do_GET(self) -> None:
        time.sleep(DELAY)
        number = int(self.path.rsplit("/", 1)[-1])
        body = feed_body(number, self.server.server_address[1])
        etag = etag_for(body)
        status = 304 if self.headers.get("If-None-Match") == etag else 200
        with self.server.lock:
            self.server.answers[status] += 1
        self.send_response(status)
        self.send_header("ETag", etag)
        self.send_header("Connection", "close")
        if status == 200:
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@contextlib.contextmanager
def worker(concurrency: int, allow: str):
    env = {
        **os.environ,
        **bench_env(),  # the cache is shared with this process: poll marks live there
        "CELERY_BROKER_URL": BROKER_REDIS_URL,
        "FETCH_ALLOWLIST": allow,
    }
    with celery_worker(
        name=f"bench-feeds-{os.getpid()}-{concurrency}@bench",
        queue="default",
        concurrency=concurrency,
        pool=POOL,
        env=env,
        log=Path(f"/tmp/briefroom-bench-feeds-{os.getpid()}-{concurrency}.log"),
    ) as process:
        yield process


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its live children (the pool), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(stat.parent.name) == pid or int(fields[1]) == pid:
                total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def make_feeds(port: int, run_id: str) -> list[int]:
    """1,000 due feeds; the even ones already hold the server's ETag (they will get 304)."""
    from django.utils import timezone

    from feeds.models import Feed
    from feeds.parsing import body_hash
    from sources.models import Source

    source, _ = Source.objects.get_or_create(name="Bench feeds", kind="website")
    now = timezone.now()
    feeds = []
    for number in range(FEEDS):
        body = feed_body(number, port)
        unchanged = number % 2 == 0
        feeds.append(
            Feed(
                source=source,
                url=f"http://127.0.0.1:{port}{PATH_PREFIX}{run_id}/{number}",
                feed_data_is_enough=True,
                etag=etag_for(body) if unchanged else "",
                content_hash=body_hash(body) if unchanged else "",
                status="ok" if unchanged else "never",
                last_polled_at=now if unchanged else None,
                next_poll_at=now,
            )
        )
    return [feed.pk for feed in Feed.objects.bulk_create(feeds)]


def clear_feeds() -> None:
    from articles.models import Article
    from feeds.models import Feed

    Feed.objects.filter(source__name="Bench feeds").delete()
    Article.objects.filter(canonical_url__startswith="http://127.0.0.1:").delete()


def poll_all(server: SlowFeeds, ids: list[int]) -> float:
    """Queue every due feed as beat would; seconds until every poll has finished."""
    from django.core.cache import cache

    from feeds.models import Feed
    from feeds.tasks import enqueue_due_feeds

    started = time.perf_counter()
    queued = enqueue_due_feeds.apply().get()
    if queued != len(ids):
        raise RuntimeError(f"enqueue_due_feeds queued {queued} feeds, expected {len(ids)}")
    changed = Feed.objects.filter(pk__in=ids[1::2])
    deadline = time.monotonic() + 300
    written = open_polls = 0
    while True:
        answered = sum(server.answers.values())
        if answered >= len(ids):  # checked only then, to take no CPU from the worker
            written = changed.filter(status="ok").count()
            # A 304 poll leaves a mark in the cache only; the queued mark goes when it ends.
            open_polls = len(cache.get_many([f"feeds:queued:{pk}" for pk in ids]))
            if written == len(ids[1::2]) and open_polls == 0:
                return time.perf_counter() - started
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"after 300 s: {answered} answered, {written} written, {open_polls} still open"
            )
        time.sleep(0.05)


def writes_of_unchanged_polls(port: int) -> dict[str, int]:
    """INSERT/UPDATE/DELETE statements of one poll of an unchanged feed, in this process."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from feeds.models import Feed
    from feeds.services import feed_poll

    found = {}
    feed = Feed.objects.filter(source__name="Bench feeds", etag__gt="").first()
    assert feed is not None
    for label, reset_etag in (("304 Not Modified", False), ("200, same bytes", True)):
        if reset_etag:
            Feed.objects.filter(pk=feed.pk).update(etag="")
        with CaptureQueriesContext(connection) as queries:
            result = feed_poll(feed_id=feed.pk)
        assert result.status == "not_modified", result
        found[label] = sum(
            1
            for query in queries.captured_queries
            if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        )
    return found


def run(results: list[Result]) -> None:
    from django.conf import settings

    from articles.models import Article
    from feeds.models import InboxItem

    heading(f"6. feed polling ({FEEDS} feeds answering after 200 ms, half 304)")
    clear_feeds()
    server = SlowFeeds()
    serve = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    serve.daemon = True
    serve.start()
    port = server.server_address[1]
    allow = f"127.0.0.1:{port}"
    settings.FETCH_ALLOWLIST = [allow]
    print(f"server {allow}; worker pool {POOL}, queue default, broker {BROKER_REDIS_URL}")
    rows = []
    try:
        for concurrency in CONCURRENCIES:
            flush_redis(BROKER_REDIS_URL)
            clear_feeds()
            server.answers.clear()
            ideal = concurrency / DELAY
            with worker(concurrency, allow) as process:
                ids = make_feeds(port, f"c{concurrency}")
                cpu_before = cpu_seconds(process.pid)
                seconds = poll_all(server, ids)
                cpu = cpu_seconds(process.pid) - cpu_before
            rate = FEEDS / seconds
            articles = Article.objects.filter(canonical_url__startswith=f"http://{allow}/").count()
            rows.append((concurrency, seconds, rate, ideal, dict(server.answers), articles, cpu))
            ok = rate >= TARGET_SHARE * ideal and articles == FEEDS // 2 * 5
            results.append(
                Result(
                    f"feeds C={concurrency}: polled feeds/s",
                    f">= {TARGET_SHARE * ideal:.0f}/s",
                    f"{rate:.1f}/s ({rate / ideal:.0%} of ideal)",
                    ok,
                )
            )
        writes = writes_of_unchanged_polls(port)
    finally:
        server.shutdown()
        server.server_close()
        flush_redis(BROKER_REDIS_URL)

    print(
        f"\n{'C':>3} {'seconds':>8} {'feeds/s':>8} {'ideal':>6} {'share':>6} {'worker CPU':>11}"
        f" {'CPU/feed':>9}  answers                 articles"
    )
    for concurrency, seconds, rate, ideal, answers, articles, cpu in rows:
        print(
            f"{concurrency:>3} {seconds:8.2f} {rate:8.1f} {ideal:6.0f} {rate / ideal:6.0%}"
            f" {cpu:10.1f}s {cpu / FEEDS * 1000:7.1f}ms  200: {answers.get(200, 0)},"
            f" 304: {answers.get(304, 0)}  {articles}"
        )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
    print(f"inbox items made: {InboxItem.objects.count()} (the bench feeds feed no digest)")
    print("\nDB writes polling an unchanged feed:")
    for label, count in writes.items():
        print(f"  {label:18} {count}")
        results.append(Result(f"feeds: DB writes, {label}", "0", str(count), count == 0))
    clear_feeds()


def main() -> int:
    from bench import common

    common.setup_django()
    common.ensure_database()
    results: list[Result] = []
    run(results)
    heading("summary")
    for result in results:
        print(f"{result.part:40} {result.target:>10} {result.measured:>24}  {result.verdict}")
    return 0 if all(result.passed for result in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
