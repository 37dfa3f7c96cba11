"""The fetch pipeline in-process: saved pages served by a local server fill in articles."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from articles import ingest
from articles.models import Article
from articles.services import article_create, article_update
from articles.tasks import sweep_stuck_articles
from digest.models import Entry
from tests.factories import EntryFactory, IssueFactory, editor
from tests.support.manifest import body, page

pytestmark = pytest.mark.django_db

SUIDE = "opendatalab-magic-html_suide_veterans_2022.html"
EXPIRED = "chyroc-WechatSogou_article_detail_expired.html"
WIRED = "postlight_wired_airplane_tires_2016.html"


def png_bytes(size=(64, 48), colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def suide(pages_dir):
    return page(pages_dir, SUIDE)


def add(url: str) -> Article:
    article, _ = article_create(url=url, fetch=False)
    return article


def test_wechat_article_is_filled_in_from_its_page(sites, pages_dir, suide) -> None:
    article = add(suide.url)
    sites.serve(article.canonical_url, body(pages_dir, suide))
    outcome = ingest.article_fetch(article.pk)
    article.refresh_from_db()
    assert outcome.state == "done", article.fetch_error
    assert article.title == suide.title
    assert article.source.name == suide.author_or_publication
    assert article.source.kind == "wechat"
    assert article.source.wechat_biz == "MzAxMzgxNzUxOA=="
    assert article.image_url == suide.image_url
    assert article.published_at.isoformat() == "2022-07-31T13:34:31+00:00"
    assert article.excerpt.startswith(suide.description[:20])
    assert article.summary  # the editor starts from the page's digest
    assert article.fetch_attempts == 1 and article.fetched_at


def test_arxiv_article_uses_the_export_api(sites, settings, local_server, pages_dir) -> None:
    row = page(pages_dir, "kahkeng-arxiv.py_api_id_list_1111.2011v2.xml")
    settings.ARXIV_API_URL = local_server.url("/api/query")
    local_server.add(
        "/api/query", 200, {"Content-Type": "application/atom+xml"}, body(pages_dir, row)
    )
    article = add(row.url)
    ingest.article_fetch(article.pk)
    article.refresh_from_db()
    assert article.fetch_state == "done", article.fetch_error
    assert article.title == row.title
    assert article.author == row.author_or_publication
    assert article.source.name == "arXiv"
    assert local_server.requests[-1].target == "/api/query?id_list=1111.2011"


def test_github_repository_uses_the_rest_api(sites, settings, local_server, pages_dir) -> None:
    row = page(pages_dir, "pygithub_repos_PyGithub_PyGithub.json")
    settings.GITHUB_API_URL = local_server.url("/gh")
    local_server.add(
        "/gh/repos/PyGithub/PyGithub",
        200,
        {"Content-Type": "application/json; charset=utf-8"},
        body(pages_dir, row),
    )
    article = add(row.url + "/tree/main/github")
    ingest.article_fetch(article.pk)
    article.refresh_from_db()
    assert article.fetch_state == "done", article.fetch_error
    assert article.title == row.title
    assert article.source.name == "GitHub"
    assert article.metadata.get("stars") or article.metadata.get("stargazers_count")


def test_generic_page_gets_a_website_source(sites, pages_dir) -> None:
    row = page(pages_dir, WIRED)
    article = add(row.url)
    sites.serve(article.canonical_url, body(pages_dir, row))
    ingest.article_fetch(article.pk)
    article.refresh_from_db()
    assert article.fetch_state == "done", article.fetch_error
    assert article.title == row.title
    assert article.source.kind == "website"
    assert article.source.domain == "wired.com"


def test_expired_wechat_page_fails_with_a_readable_reason(sites, pages_dir) -> None:
    row = page(pages_dir, EXPIRED)
    article = add(row.url)
    sites.serve(article.canonical_url, body(pages_dir, row))
    ingest.article_fetch(article.pk)
    article.refresh_from_db()
    assert article.fetch_state == "failed"
    assert article.fetch_error_code == "expired"
    assert article.fetch_error
    assert article.title == ""


def test_missing_page_fails_at_once(sites) -> None:
    article = add("https://example.com/gone")
    sites.serve(article.canonical_url, "gone", "text/plain", status=404)
    ingest.article_fetch(article.pk)
    article.refresh_from_db()
    assert article.fetch_state == "failed"
    assert article.fetch_error_code == "not_found"


def test_server_errors_are_retried_then_fail_for_good(sites) -> None:
    article = add("https://example.com/busy")
    sites.serve(article.canonical_url, "busy", "text/plain", status=503)
    with pytest.raises(ingest.TransientFetchFailure):
        ingest.article_fetch(article.pk)
    article.refresh_from_db()
    assert article.fetch_state == "fetching"
    assert article.fetch_error_code == "server_error"
    ingest.article_fetch(article.pk, final_attempt=True)
    article.refresh_from_db()
    assert article.fetch_state == "failed"
    assert article.fetch_attempts == 2


def test_refetch_keeps_what_the_editor_changed(sites, pages_dir, suide) -> None:
    article = add(suide.url)
    sites.serve(article.canonical_url, body(pages_dir, suide))
    ingest.article_fetch(article.pk)
    article.refresh_from_db()
    article_update(article=article, data={"title": "编辑定的标题", "summary": "编辑写的摘要"})
    Article.objects.filter(pk=article.pk).update(fetch_state="pending")
    ingest.article_fetch(article.pk)
    article.refresh_from_db()
    assert article.title == "编辑定的标题"
    assert article.summary == "编辑写的摘要"
    assert article.fetch_attempts == 2


def test_short_wechat_link_is_rekeyed_to_the_permanent_one(sites, pages_dir, suide) -> None:
    short = add("https://mp.weixin.qq.com/s/Xy12ShortToken")
    sites.serve(short.canonical_url, body(pages_dir, suide))
    ingest.article_fetch(short.pk)
    short.refresh_from_db()
    assert short.fetch_state == "done", short.fetch_error
    assert short.canonical_url.startswith("https://mp.weixin.qq.com/s?__biz=MzAxMzgxNzUxOA==")
    assert "&sn=d625de357b53f96d710aca4e6ec7f57c" in short.canonical_url


def test_short_link_to_a_known_article_is_merged_keeping_everything(
    sites, pages_dir, suide
) -> None:
    known = add(suide.url)
    article_update(article=known, data={"summary": "早就写好的摘要"})
    first_issue_entry = EntryFactory.create(article=known)
    short = add("https://mp.weixin.qq.com/s/AnotherToken")
    article_update(article=short, data={"title": "短链接上的编辑标题"})
    other_issue = IssueFactory.create()
    Entry.objects.create(issue=other_issue, article=short, position=1)
    sites.serve(short.canonical_url, body(pages_dir, suide))

    outcome = ingest.article_fetch(short.pk)

    assert outcome.merged_into == known.pk
    assert not Article.objects.filter(pk=short.pk).exists()
    known.refresh_from_db()
    assert known.summary == "早就写好的摘要"
    assert known.title == "短链接上的编辑标题"
    assert set(known.entries.values_list("issue_id", flat=True)) == {
        first_issue_entry.issue_id,
        other_issue.pk,
    }


def test_lead_image_is_stored_once_with_a_thumbnail(sites, pages_dir, suide) -> None:
    article = add(suide.url)
    sites.serve(article.canonical_url, body(pages_dir, suide))
    sites.serve(suide.image_url, png_bytes((800, 600)), "image/png")
    ingest.article_fetch(article.pk)
    assert ingest.article_fetch_image(article.pk) == "stored"
    assert ingest.article_fetch_image(article.pk) == "unchanged"
    article.refresh_from_db()
    assert (article.image_width, article.image_height) == (800, 600)
    assert article.image.name.startswith("articles/")
    assert article.image_thumbnail
    with Image.open(article.image_thumbnail.path) as thumb:
        assert thumb.width <= 480
    storage = article.image.storage
    assert isinstance(storage, FileSystemStorage)
    stored = list(Path(storage.location, "articles").rglob("*.*"))
    assert len(stored) == 2  # the image and its thumbnail, nothing left over


def test_a_failed_image_never_fails_the_article(sites, pages_dir, suide) -> None:
    article = add(suide.url)
    sites.serve(article.canonical_url, body(pages_dir, suide))
    sites.serve(suide.image_url, b"<html>not an image</html>", "text/html")
    ingest.article_fetch(article.pk)
    assert ingest.article_fetch_image(article.pk) == "failed"
    article.refresh_from_db()
    assert article.fetch_state == "done"
    assert not article.image
    assert article.metadata["image_error"]


@pytest.mark.django_db(transaction=True)
def test_article_is_saved_pending_when_the_broker_is_down(settings) -> None:
    from briefroom.celery import app
    from tests.support.worker import _reset_connections

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    _reset_connections()
    try:
        started = time.monotonic()
        article, created = article_create(url="https://example.com/while-redis-is-down")
        elapsed = time.monotonic() - started
    finally:
        app.conf.update(broker_url=saved[0], task_always_eager=saved[1])
        _reset_connections()
    assert created
    assert elapsed < 2.5, f"creating an article took {elapsed:.1f} s with the broker down"
    article.refresh_from_db()
    assert article.fetch_state == "pending"


def test_sweeper_requeues_stuck_articles(sites, pages_dir, suide, settings) -> None:
    settings.FETCH_SWEEP_PENDING_AFTER = 0
    article = add(suide.url)
    sites.serve(article.canonical_url, body(pages_dir, suide))
    Article.objects.filter(pk=article.pk).update(updated_at="2020-01-01T00:00:00Z")
    assert sweep_stuck_articles() == 1  # tasks run in-process without a broker
    article.refresh_from_db()
    assert article.fetch_state == "done"


def test_add_articles_command_prints_one_json_line_per_url(sites, pages_dir, suide) -> None:
    sites.serve(
        "https://mp.weixin.qq.com/s?__biz=MzAxMzgxNzUxOA==&mid=2650804290&idx=8"
        "&sn=d625de357b53f96d710aca4e6ec7f57c",
        body(pages_dir, suide),
    )
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("add_articles", suide.url, "ftp://nope", "--sync", stdout=out)
    assert exit_info.value.code == 1  # one URL was unusable
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0]["created"] is True
    assert lines[0]["fetch_state"] == "done"
    assert lines[0]["canonical_url"].endswith("sn=d625de357b53f96d710aca4e6ec7f57c")
    assert "chksm" not in lines[0]["url"]
    assert lines[1]["error"]


def test_admin_reports_fetch_progress_as_json(client) -> None:
    client.force_login(editor())
    article = add("https://example.com/progress")
    url = reverse("admin:articles_article_fetch_status") + f"?ids={article.pk},x,999"
    data = client.get(url).json()
    assert data["articles"][str(article.pk)]["state"] == "pending"
    assert list(data["articles"]) == [str(article.pk)]
