from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from digest import pagecache
from digest.models import Issue
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


def test_anonymous_clients_list_only_published_issues(anon, make_issue):
    published = make_issue(published=True)
    make_issue()

    response = anon.get("/api/v1/issues/")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [published.pk]


def test_editors_list_drafts_too_and_filter_by_status(editor_api, make_issue):
    make_issue(published=True)
    draft = make_issue()

    everything = editor_api.get("/api/v1/issues/").json()
    drafts = editor_api.get("/api/v1/issues/?status=draft").json()

    assert everything["count"] == 2
    assert [item["id"] for item in drafts["results"]] == [draft.pk]


def test_a_draft_is_not_found_for_anonymous_clients_not_forbidden(anon, make_issue):
    draft = make_issue()

    response = anon.get(f"/api/v1/issues/{draft.pk}/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_issue_detail_nests_sections_entries_articles_images_and_links(anon, make_issue):
    issue = make_issue(main=2, others=1, published=True)

    body = anon.get(f"/api/v1/issues/{issue.pk}/").json()

    assert body["schema_version"] == 1
    assert body["url"] == f"http://testserver/api/v1/issues/{issue.pk}/"
    assert body["web_url"] == f"https://briefroom.example/ai-brief/{issue.number}/"
    assert [e["number"] for e in body["entries"]["main"]] == [1, 2]
    assert [e["number"] for e in body["entries"]["others"]] == [1]
    first = body["entries"]["main"][0]
    assert first["position"] == 1 and first["section"] == "main"
    article = first["article"]
    assert article["url"] == f"http://testserver/api/v1/articles/{article['id']}/"
    assert article["source"]["name"].startswith("机器之心")
    assert article["image"] == {
        "url": None,
        "thumbnail_url": None,
        "origin_url": "https://img.example/lead.png",
        "width": 640,
        "height": 360,
        "alt": "lead",
    }
    assert article["links"] == [{"label": "Paper", "url": "https://arxiv.org/abs/1"}]
    assert body["exports"]["markdown"].endswith(f"/issues/{issue.pk}/export/?format=markdown")


def test_an_issue_is_addressable_by_digest_and_number(anon, make_issue):
    issue = make_issue(published=True, number=7)

    response = anon.get("/api/v1/digests/ai-brief/issues/7/")

    assert response.status_code == 200
    assert response.json()["id"] == issue.pk
    assert anon.get("/api/v1/digests/ai-brief/issues/8/").status_code == 404


def test_an_unchanged_issue_answers_304_to_its_etag_and_date(anon, make_issue):
    issue = make_issue(published=True)
    first = anon.get(f"/api/v1/issues/{issue.pk}/")

    by_etag = anon.get(f"/api/v1/issues/{issue.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = anon.get(f"/api/v1/issues/{issue.pk}/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert by_etag.status_code == 304
    assert by_date.status_code == 304
    assert by_etag["ETag"] == first["ETag"]
    assert first["Cache-Control"] == "public, max-age=60"


def test_editing_an_article_of_the_issue_changes_its_etag(anon, make_issue):
    issue = make_issue(published=True)
    first = anon.get(f"/api/v1/issues/{issue.pk}/")
    article = issue.entries.first().article
    article.title = "改过的标题"
    article.save()

    again = anon.get(f"/api/v1/issues/{issue.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert again.json()["entries"]["main"][0]["title"] == "改过的标题"


def test_drafts_are_not_cached_publicly(editor_api, make_issue):
    draft = make_issue()

    response = editor_api.get(f"/api/v1/issues/{draft.pk}/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"


def _detail_queries(client, issue: Issue, *, version_known: bool = False) -> int:
    if not version_known:
        pagecache.forget()  # count the content version's read too
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/v1/issues/{issue.pk}/").status_code == 200
    return len(queries)


def test_issue_detail_queries_do_not_grow_with_the_number_of_entries(anon, make_issue):
    small = make_issue(main=4, others=1, published=True)
    large = make_issue(main=40, others=10, published=True)

    assert _detail_queries(anon, small) == _detail_queries(anon, large)


def test_a_published_issue_detail_is_served_from_the_cache_without_a_query(anon, make_issue):
    issue = make_issue(main=5, published=True)
    uncached = _detail_queries(anon, issue)

    cached = _detail_queries(anon, issue, version_known=True)
    checked = _detail_queries(anon, issue)

    assert cached == 0 < uncached  # the web process knows the content version
    assert checked == 1  # once its check interval passes, the version alone is read


def test_the_cached_detail_follows_a_change_to_the_issue(anon, editor_api, make_issue):
    issue = make_issue(published=True)
    anon.get(f"/api/v1/issues/{issue.pk}/")

    editor_api.patch(f"/api/v1/issues/{issue.pk}/", {"title": "新标题"}, format="json")

    assert anon.get(f"/api/v1/issues/{issue.pk}/").json()["title"] == "新标题"


def test_issues_filter_by_tag_source_and_date_and_search(editor_api, make_issue):
    first = make_issue(number=1)
    make_issue(number=2)
    tag = first.entries.first().article.tags.first()
    source = first.entries.first().article.source

    by_tag = editor_api.get(f"/api/v1/issues/?tag={tag.slug}").json()
    by_source = editor_api.get(f"/api/v1/issues/?source={source.slug}").json()
    by_search = editor_api.get("/api/v1/issues/?search=第 2 期").json()
    by_date = editor_api.get("/api/v1/issues/?date_after=2000-01-01&date_before=2000-01-02").json()

    assert [i["id"] for i in by_tag["results"]] == [first.pk]
    assert [i["id"] for i in by_source["results"]] == [first.pk]
    assert [i["number"] for i in by_search["results"]] == [2]
    assert by_date["count"] == 0


def test_issue_lists_order_by_the_requested_field(editor_api, make_issue):
    for number in (3, 1, 2):
        make_issue(number=number, main=1, others=0)

    body = editor_api.get("/api/v1/issues/?ordering=number").json()

    assert [i["number"] for i in body["results"]] == [1, 2, 3]
