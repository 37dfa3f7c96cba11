"""Cold render: a published issue as JSON and HTML with every cache empty, in-process.

Counts SQL queries for a 5-entry and a 30-entry issue (they must be equal) and the CPU time
of this process (time.process_time: Python, templates, serializers; not PostgreSQL's) per
request through the Django test client and the whole middleware stack, the cache flushed
before each request. Also checks that a conditional GET the page cache cannot answer is
answered 304 by the view's own validators without rendering.

The measured requests run as a production worker's do: gunicorn.conf.py preloads the app and
freezes what it allocated (gc.freeze() in when_ready), so the collector never rescans it.
Here the same happens after Django's setup and the first requests of each kind, and is
undone when the part ends.
"""

from __future__ import annotations

import gc
import statistics
import time

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.common import Result, heading
from bench.seed import BASE_DIGEST, BASE_ISSUES, base_issues
from digest import pagecache

TARGET_MS = {"json": 15.0, "html": 20.0}
ITERATIONS = 60


def url_for(kind: str, number: int) -> tuple[str, dict[str, str]]:
    if kind == "json":
        return f"/api/v1/digests/{BASE_DIGEST}/issues/{number}/", {"Accept": "application/json"}
    return f"/{BASE_DIGEST}/{number}/", {"Accept": "text/html"}


def numbers_by_entries() -> dict[int, int]:
    return {entries: number for number, entries in BASE_ISSUES.items()}


def empty_caches() -> None:
    """Flush the cache, and make every stored page stale too."""
    cache.clear()
    pagecache.content_changed()


def cold_get(client: Client, url: str, headers: dict[str, str]):
    empty_caches()
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


def query_counts(client: Client) -> dict[tuple[str, int], int]:
    """SQL queries of one cold request per (kind, entries)."""
    counts = {}
    for kind in ("json", "html"):
        for entries, number in numbers_by_entries().items():
            url, headers = url_for(kind, number)
            empty_caches()  # outside the count: recording a change is a write of its own
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.status_code)
            counts[kind, entries] = len(queries.captured_queries)
    return counts


class GcClock:
    """CPU time spent in garbage collection while active."""

    def __init__(self) -> None:
        self.ms = 0.0
        self.started = 0.0
        self.active = False

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = time.process_time()
        elif self.active:
            self.ms += (time.process_time() - self.started) * 1000


def cpu_times_ms(
    client: Client, url: str, headers: dict[str, str], n: int
) -> tuple[list[float], float]:
    """CPU ms of each of `n` cold requests, and the ms of garbage collection among them."""
    cold_get(client, url, headers)  # imports, template loading, connection: not measured
    times = []
    clock = GcClock()
    gc.callbacks.append(clock)
    try:
        for _ in range(n):
            empty_caches()
            clock.active = True
            start = time.process_time()
            response = client.get(url, headers=headers)
            times.append((time.process_time() - start) * 1000)
            clock.active = False
            assert response.status_code == 200
    finally:
        gc.callbacks.remove(clock)
    return times, clock.ms


def conditional_without_page_cache(client: Client, kind: str, number: int):
    """A revalidation after the page cache lost its copy: the view's validators answer."""
    url, headers = url_for(kind, number)
    first = client.get(url, headers=headers)
    # The stored copies are gone (shared and this process's); the content, and so the ETag,
    # is not changed, and the process still knows the content version.
    cache.clear()
    pagecache.local_copies.clear()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, headers={**headers, "If-None-Match": first["ETag"]})
    rendered = [t.name for t in again.templates or []]
    return again.status_code, len(queries.captured_queries), rendered


def run(results: list[Result], iterations: int = ITERATIONS) -> None:
    heading("2. cold render (caches empty, in-process, test client)")
    base_issues()
    client = Client()
    counts = query_counts(client)
    for kind in ("json", "html"):
        few, many = counts[kind, 5], counts[kind, 30]
        print(f"{kind:4} SQL queries: 5 entries {few}, 30 entries {many}")
        results.append(
            Result(
                f"cold {kind}: queries 5 vs 30 entries", "equal", f"{few} vs {many}", few == many
            )
        )
    number = numbers_by_entries()[30]
    # Both kinds have been served (query_counts): imports, templates and URL patterns are in.
    gc.collect()
    gc.freeze()
    try:
        measure(results, client, number, iterations)
    finally:
        gc.unfreeze()


def measure(results: list[Result], client: Client, number: int, iterations: int) -> None:
    print(
        f"CPU ms per request, 30-entry issue, {iterations} requests each, cache flushed before each"
    )
    print("(mean includes garbage collection, shown apart as gc)")
    print(
        f"gc: the warmed-up process frozen first ({gc.get_freeze_count()} objects), as "
        "gunicorn.conf.py's when_ready does in production"
    )
    print(
        f"{'kind':5} {'bytes':>7} {'mean':>7} {'gc':>6} {'median':>7} {'p90':>7} {'min':>7}  target"
    )
    for kind in ("json", "html"):
        url, headers = url_for(kind, number)
        size = len(cold_get(client, url, headers).content)
        times, gc_ms = cpu_times_ms(client, url, headers, iterations)
        mean = statistics.fmean(times)
        p90 = statistics.quantiles(times, n=10)[-1]
        target = TARGET_MS[kind]
        print(
            f"{kind:5} {size:7} {mean:7.2f} {gc_ms / len(times):6.2f} "
            f"{statistics.median(times):7.2f} {p90:7.2f} {min(times):7.2f}  "
            f"< {target:.0f} ms: {_margin(mean, target)}"
        )
        results.append(
            Result(
                f"cold {kind}: CPU per render (30 entries)",
                f"< {target:.0f} ms",
                f"{mean:.2f} ms",
                mean < target,
            )
        )
    for kind in ("json", "html"):
        status, queries, rendered = conditional_without_page_cache(client, kind, number)
        print(
            f"{kind:4} If-None-Match, page cache cold: {status}, {queries} queries, "
            f"templates rendered: {rendered or 'none'}"
        )
        results.append(
            Result(
                f"cold {kind}: If-None-Match without page cache",
                "304, no render",
                f"{status}, {queries} queries, {len(rendered)} templates",
                status == 304 and not rendered,
            )
        )


def _margin(value: float, target: float) -> str:
    if value < target:
        return f"pass ({value / target:.0%} of target)"
    return f"MISS by {value - target:.2f} ms ({value / target:.2f}x target)"
