from __future__ import annotations

import pytest

from sources.models import Source
from tests.api.conftest import error_of
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def test_the_root_links_to_every_collection(anon):
    body = anon.get("/api/v1/").json()

    assert body["issues"] == "http://testserver/api/v1/issues/"
    assert set(body) == {"digests", "issues", "articles", "sources", "tags", "webhooks"}


def test_digests_link_to_their_issues(contributor_api, digest, make_issue):
    make_issue(published=True)

    listed = contributor_api.get("/api/v1/digests/").json()["results"]
    issues = contributor_api.get(listed[0]["issues_url"]).json()

    assert listed[0]["slug"] == "ai-brief"
    assert issues["count"] == 1


def test_an_unknown_digest_has_no_issues_to_list(anon, digest):
    assert anon.get("/api/v1/digests/nope/issues/").status_code == 404


def test_anonymous_clients_see_published_issues_of_a_digest(anon, make_issue):
    published = make_issue(published=True)
    make_issue()

    body = anon.get("/api/v1/digests/ai-brief/issues/").json()

    assert [i["id"] for i in body["results"]] == [published.pk]


def test_contributors_create_and_edit_sources(contributor_api):
    created = contributor_api.post(
        "/api/v1/sources/",
        {"name": "新智元", "kind": "wechat", "wechat_biz": "MzI3MTA0MTk1MA=="},
        format="json",
    )
    edited = contributor_api.patch(
        created.json()["url"], {"homepage": "https://example.com/"}, format="json"
    )

    assert created.status_code == 201
    assert created.json()["slug"] == "新智元"
    assert edited.json()["homepage"] == "https://example.com/"


def test_a_second_source_with_the_same_wechat_id_is_refused(contributor_api):
    SourceFactory.create(name="量子位", wechat_biz="abc")

    response = contributor_api.post(
        "/api/v1/sources/", {"name": "别名", "kind": "wechat", "wechat_biz": "abc"}, format="json"
    )

    assert response.status_code == 400
    assert "wechat_biz" in error_of(response)["fields"]
    assert Source.objects.count() == 1


def test_sources_filter_by_kind(contributor_api):
    SourceFactory.create(name="arXiv", kind="arxiv")
    SourceFactory.create(name="机器之心")

    body = contributor_api.get("/api/v1/sources/?kind=arxiv").json()

    assert [s["name"] for s in body["results"]] == ["arXiv"]


def test_tags_are_created_once_whatever_the_case(contributor_api):
    first = contributor_api.post("/api/v1/tags/", {"name": "LLM"}, format="json")
    again = contributor_api.post("/api/v1/tags/", {"name": "llm"}, format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert contributor_api.get(first.json()["url"]).json()["name"] == "LLM"


def test_a_blank_tag_name_is_a_field_error(contributor_api):
    response = contributor_api.post("/api/v1/tags/", {"name": "   "}, format="json")

    assert response.status_code == 400
    assert "name" in error_of(response)["fields"]
