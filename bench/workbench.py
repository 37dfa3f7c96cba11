"""The issue workbench: server time and SQL queries of the page and of one autosave write.

Builds a draft issue of 20 and one of 80 entries (in a digest of its own, with 40 fresh
candidates beside them) in the bench database, then times through the Django test client
and the whole middleware stack: the workbench page, and one saved title edit (the write and
the re-rendered issue pane it answers with). Wall-clock milliseconds, median of the runs,
with PostgreSQL's time included. The page's query count should not grow with the entries.

Run from the repository root:  .venv/bin/python bench/workbench.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common

SIZES = (20, 80)
RUNS = 15
SLUG = "bench-workbench"


def build(size: int):
    from articles.models import Article
    from digest import services
    from digest.models import Digest, Entry, Issue

    digest, _ = Digest.objects.get_or_create(slug=SLUG, defaults={"name": "工作台基准"})
    Issue.objects.filter(digest=digest, number=size).delete()
    issue = services.issue_create(digest=digest, number=size)
    articles = Article.objects.bulk_create(
        Article(
            canonical_url=f"https://bench.example/workbench/{size}/{n}-{time.time_ns()}",
            submitted_url="https://bench.example/",
            title=f"工作台基准文章 {n}：大模型推理速度提升",
            summary="研究团队在多个基准上报告了**显著提升**，代码与模型权重已开源。",
            fetch_state=Article.FetchState.DONE,
        )
        for n in range(size + 40)
    )
    Entry.objects.bulk_create(
        Entry(issue=issue, article=article, position=n + 1)
        for n, article in enumerate(articles[:size])
    )
    return issue


def measure(client, method: str, url: str, data: dict | None = None) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = getattr(client, method)(url, data or {})
        elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(queries.captured_queries)


def run_size(client, size: int) -> dict[str, tuple[float, int]]:
    from django.urls import reverse

    issue = build(size)
    page = reverse("admin:digest_issue_workbench", args=[issue.pk])
    entry = issue.entries.order_by("position").first()
    assert entry is not None
    edit = reverse("admin:digest_issue_workbench_edit", args=[issue.pk, entry.pk])
    measure(client, "get", page)  # templates loaded, connection open: not counted
    pages = [measure(client, "get", page) for _ in range(RUNS)]
    writes = []
    for n in range(RUNS):
        issue.refresh_from_db()
        data = {"title_override": f"改写的标题 {n}", "revision": issue.revision}
        writes.append(measure(client, "post", edit, data))
    return {
        "page": (statistics.median(t for t, _ in pages), pages[-1][1]),
        "write": (statistics.median(t for t, _ in writes), writes[-1][1]),
    }


def main() -> None:
    common.setup_django()
    common.ensure_database()
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username="bench-workbench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    common.heading(f"issue workbench (in-process, test client, median of {RUNS})")
    print(f"{'entries':>7}  {'page ms':>8}  {'page SQL':>8}  {'write ms':>8}  {'write SQL':>9}")
    for size in SIZES:
        got = run_size(client, size)
        print(
            f"{size:>7}  {got['page'][0]:>8.1f}  {got['page'][1]:>8}  "
            f"{got['write'][0]:>8.1f}  {got['write'][1]:>9}",
            flush=True,
        )


if __name__ == "__main__":
    main()
