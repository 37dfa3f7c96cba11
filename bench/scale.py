"""Scale: list, search, feed and API endpoints with 1,000 issues against 100.

The archive is emptied, grown to 100 published issues of 30 articles each (3,000 articles),
measured, grown to 1,000 issues (30,000 articles) and measured again. Every request takes
the cold path: the cache is flushed and the page cache's version bumped before it, so
nothing rendered before is reused. Each figure is the median wall time of several requests
through the Django test client, in this process, against PostgreSQL.
"""

from __future__ import annotations

import gc
import statistics
import time
from urllib.parse import quote

from django.core.cache import cache
from django.test import Client

from bench.common import Result, heading
from bench.seed import SCALE_DIGEST, grow_archive, truncate_content
from digest import pagecache

SIZES = (100, 1000)
TARGET_RATIO = 1.5
REQUESTS = 9
JSON = {"Accept": "application/json"}
ZH_QUERY, EN_QUERY = "机器人", "agent"  # each in about one article in ten
ENDPOINTS = [
    ("home", "/", {}),
    ("archive list", "/archive/", {}),
    ("digest page", f"/{SCALE_DIGEST}/", {}),
    ("search zh", f"/search/?q={quote(ZH_QUERY)}", {}),
    ("search en", f"/search/?q={EN_QUERY}", {}),
    ("feed rss", "/feeds/rss/", {}),
    ("feed atom", "/feeds/atom/", {}),
    ("digest feed rss", f"/{SCALE_DIGEST}/rss/", {}),
    ("API issues", "/api/v1/issues/", JSON),
    ("API digest issues", f"/api/v1/digests/{SCALE_DIGEST}/issues/", JSON),
    ("API articles", "/api/v1/articles/", JSON),
]


def cold_ms(client: Client, url: str, headers: dict[str, str]) -> float:
    times = []
    for _ in range(REQUESTS + 1):
        cache.clear()
        pagecache.content_changed()
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times[1:])  # the first warms connections and templates


def measure(client: Client) -> dict[str, float]:
    return {name: cold_ms(client, url, headers) for name, url, headers in ENDPOINTS}


def run(results: list[Result]) -> None:
    heading("5. scale (cold path: cache flushed before every request)")
    truncate_content()
    client = Client()
    timings = {}
    for size in SIZES:
        started = time.perf_counter()
        grow_archive(size)
        print(
            f"seeded {size} issues, {size * 30} articles in {time.perf_counter() - started:.1f} s"
        )
        # As gunicorn.conf.py's when_ready does in production: the process's baseline heap
        # frozen, so full collections do not re-scan it during the measured requests.
        gc.collect()
        gc.freeze()
        try:
            timings[size] = measure(client)
        finally:
            gc.unfreeze()
    print("gc: the process frozen before each size is measured, as gunicorn's when_ready does")
    small, large = SIZES
    print(f"\nmedian of {REQUESTS} requests, ms; search zh: q={ZH_QUERY}, search en: q={EN_QUERY}")
    print(f"{'endpoint':20} {small:>9} {large:>9} {'ratio':>6}  target <= {TARGET_RATIO}x")
    for name, _, _ in ENDPOINTS:
        before, after = timings[small][name], timings[large][name]
        ratio = after / before
        ok = ratio <= TARGET_RATIO
        verdict = "pass" if ok else f"MISS by {ratio - TARGET_RATIO:.2f}x"
        print(f"{name:20} {before:9.1f} {after:9.1f} {ratio:6.2f}  {verdict}")
        results.append(
            Result(f"scale {name}: 1000 vs 100 issues", f"<= {TARGET_RATIO}x",
                   f"{ratio:.2f}x ({before:.0f} -> {after:.0f} ms)", ok)
        )  # fmt: skip
    truncate_content()
