"""The issue workbench on a full archive: server time and SQL queries of what editors do.

The bench database is grown to 1,000 published issues of 30 articles (30,000 articles, the
scale part's archive, reused when it is there). Beside it, a draft of 20 and one of 80
entries, each in a digest of its own with 40 and 400 fresh candidate articles. Through the
Django test client and the whole middleware stack, as a logged-in editor, each step is
timed: opening the workbench, filtering the candidates, searching them (the recent ones,
and the whole archive), moving an entry (a reorder) and editing an override. Wall-clock
milliseconds, median of the runs, PostgreSQL's time included; the query count must not grow
with the entries or the candidates.

Run from the repository root:  .venv/bin/python bench/run.py --only workbench
(or .venv/bin/python bench/workbench.py)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common
from bench.common import Result, heading

# (entries in the draft, fresh candidates beside it)
SIZES = ((20, 40), (80, 400))
RUNS = 15
ARCHIVE_ISSUES = 1000
TARGET_MS = 100.0
SEARCH = "机器人"  # in about one article in ten


def build(entries: int, candidates: int):
    """A draft of `entries` entries in a digest of its own, with fresh candidates beside it."""
    from articles.models import Article, Tag
    from digest import services
    from digest.models import Digest, Entry, Issue
    from sources.models import Source

    slug = f"bench-workbench-{entries}"
    digest, _ = Digest.objects.get_or_create(slug=slug, defaults={"name": f"工作台基准 {entries}"})
    Issue.objects.filter(digest=digest).delete()
    Article.objects.filter(submitted_url=f"https://bench.example/{slug}/").delete()
    issue = services.issue_create(digest=digest, number=1)
    source = Source.objects.order_by("pk").first()
    articles = Article.objects.bulk_create(
        Article(
            canonical_url=f"https://bench.example/{slug}/{n}",
            submitted_url=f"https://bench.example/{slug}/",
            title=f"工作台基准文章 {n}：{'机器人' if n % 10 == 0 else '大模型'}推理速度提升",
            summary="研究团队在多个基准上报告了**显著提升**，代码与模型权重已开源。",
            source=source,
            fetch_state=Article.FetchState.DONE,
        )
        for n in range(entries + candidates)
    )
    tag = Tag.objects.order_by("pk").first()
    if tag is not None:
        tag.articles.add(*articles[::3])
    Entry.objects.bulk_create(
        Entry(
            issue=issue,
            article=article,
            position=n + 1,
            section=Entry.Section.MAIN if n < entries * 4 // 5 else Entry.Section.OTHERS,
        )
        for n, article in enumerate(articles[:entries])
    )
    return issue, source


def measure(client: Any, method: str, url: str, data: Any = None) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = getattr(client, method)(url, data or {})
        elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return elapsed, len(queries.captured_queries)


def steps(client: Any, issue: Any, source: Any) -> dict[str, Any]:
    """Each step as a function of the run's number, answering (ms, queries)."""
    from django.urls import reverse

    def url(name: str, *args: int) -> str:
        return reverse(f"admin:digest_issue_workbench{name}", args=[issue.pk, *args])

    first = issue.entries.order_by("position").first()
    assert first is not None

    def revision() -> int:
        issue.refresh_from_db(fields=["revision"])
        return issue.revision

    def move(n: int) -> tuple[float, int]:
        data = {"section": first.section, "index": 1 if n % 2 == 0 else 0, "revision": revision()}
        return measure(client, "post", url("_arrange", first.pk), data)

    def edit(n: int) -> tuple[float, int]:
        data = {"title_override": f"改写的标题 {n}", "revision": revision()}
        return measure(client, "post", url("_edit", first.pk), data)

    candidates = url("_candidates")
    return {
        "open the workbench": lambda n: measure(client, "get", url("")),
        "filter candidates": lambda n: measure(
            client, "get", candidates, {"source": source.pk, "kind": "web", "fetch_state": "done"}
        ),
        "search recent candidates": lambda n: measure(client, "get", candidates, {"q": SEARCH}),
        "search the whole archive": lambda n: measure(
            client, "get", candidates, {"q": SEARCH, "anytime": "on", "used": "on"}
        ),
        "move an entry (reorder)": move,
        "edit an override": edit,
    }


def run(results: list[Result], runs: int = RUNS, archive_issues: int = ARCHIVE_ISSUES) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from articles.models import Article
    from bench.seed import grow_archive
    from digest.models import Issue

    heading(f"8. issue workbench ({archive_issues} issues in the archive, median of {runs})")
    grow_archive(archive_issues)
    print(
        f"archive: {Issue.objects.count()} issues, {Article.objects.count()} articles",
        flush=True,
    )
    user, _ = get_user_model().objects.get_or_create(
        username="bench-workbench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    figures: dict[tuple[str, int], tuple[float, int]] = {}
    for entries, candidates in SIZES:
        issue, source = build(entries, candidates)
        for name, step in steps(client, issue, source).items():
            step(-1)  # templates loaded, connection open: not counted
            got = [step(n) for n in range(runs)]
            figures[name, entries] = (
                statistics.median(ms for ms, _ in got),
                int(statistics.median(q for _, q in got)),
            )
    (small, few), (large, many) = SIZES
    print(f"{'step':28} {small} entries, {few} candidates   {large} entries, {many} candidates")
    names = list(dict.fromkeys(name for name, _ in figures))
    for name in names:
        (ms_s, q_s), (ms_l, q_l) = figures[name, small], figures[name, large]
        print(f"{name:28} {ms_s:8.1f} ms {q_s:4} q            {ms_l:8.1f} ms {q_l:4} q")
    for name in names:
        (ms_s, q_s), (ms_l, q_l) = figures[name, small], figures[name, large]
        results.append(
            Result(
                f"workbench: {name}",
                f"< {TARGET_MS:.0f} ms, same queries",
                f"{ms_l:.1f} ms; {q_s} vs {q_l} queries",
                ms_l < TARGET_MS and q_s == q_l,
            )
        )


def main() -> None:
    common.setup_django()
    common.ensure_database()
    results: list[Result] = []
    run(results)
    for result in results:
        print(f"{result.part:40} {result.target:24} {result.measured:32} {result.verdict}")


if __name__ == "__main__":
    main()
