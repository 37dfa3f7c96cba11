from __future__ import annotations

import pytest

from articles.models import Article
from tests.api.conftest import error_of
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_a_new_url_creates_a_pending_article_and_queues_its_fetch(
    contributor_api, django_capture_on_commit_callbacks, fetches
):
    with django_capture_on_commit_callbacks(execute=True):
        response = contributor_api.post(
            "/api/v1/articles/",
            {"url": "https://github.com/django/django?utm_source=x"},
            format="json",
        )

    assert response.status_code == 201
    body = response.json()
    assert body["canonical_url"] == "https://github.com/django/django"
    assert (body["kind"], body["fetch_state"]) == ("github", "pending")
    assert fetches == [body["id"]]


def test_a_known_canonical_url_returns_the_existing_article(contributor_api):
    first = contributor_api.post(
        "/api/v1/articles/", {"url": "https://arxiv.org/abs/2101.00001"}, format="json"
    )

    again = contributor_api.post(
        "/api/v1/articles/", {"url": "arxiv.org/pdf/2101.00001v3"}, format="json"
    )

    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Article.objects.count() == 1


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/file", "only http and https"),
        ("https://user:pw@example.com/", "user name or password"),
        ("https://example.com:99999/", "invalid port"),
        ("https://exa mple.com/", "not a usable URL"),
        ('http://[null, null, ""]/', "not a usable URL"),
    ],
)
def test_an_invalid_url_is_a_400_with_the_reason(contributor_api, url, reason):
    response = contributor_api.post("/api/v1/articles/", {"url": url}, format="json")

    assert response.status_code == 400
    assert reason in " ".join(error_of(response)["fields"]["url"])


def test_a_missing_url_is_a_field_error(contributor_api):
    response = contributor_api.post("/api/v1/articles/", {"url": ""}, format="json")

    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["url"]


def test_bulk_create_reports_each_url(contributor_api):
    ArticleFactory.create(canonical_url="https://example.com/known")

    response = contributor_api.post(
        "/api/v1/articles/bulk/",
        {
            "urls": [
                "https://example.com/known",
                "https://example.com/new",
                "mailto:x@y.z",
                "http://[::1/",
            ]
        },
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["existing"], body["failed"]) == (1, 1, 2)
    assert [r["created"] for r in body["results"]] == [False, True, False, False]
    assert all("not a usable URL" in r["error"] for r in body["results"][2:])


def test_bulk_create_is_capped(contributor_api):
    response = contributor_api.post(
        "/api/v1/articles/bulk/",
        {"urls": [f"https://example.com/{n}" for n in range(101)]},
        format="json",
    )

    assert response.status_code == 400
    assert "urls" in error_of(response)["fields"]


def test_editing_marks_the_fields_an_editor_took_over(contributor_api):
    article = ArticleFactory.create(title="抓取的标题", summary="")
    source = SourceFactory.create(name="量子位")

    response = contributor_api.patch(
        f"/api/v1/articles/{article.pk}/",
        {
            "title": "编辑的标题",
            "source": source.pk,
            "links": [{"label": "Code", "url": "https://github.com/a/b"}],
            "tags": ["论文"],
        },
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "编辑的标题"
    assert body["source"]["name"] == "量子位"
    assert body["links"] == [{"label": "Code", "url": "https://github.com/a/b"}]
    assert [t["name"] for t in body["tags"]] == ["论文"]
    assert set(body["edited_fields"]) == {"title", "source", "related_links"}


def test_a_bad_related_link_is_reported_by_its_place(contributor_api):
    article = ArticleFactory.create()

    response = contributor_api.patch(
        f"/api/v1/articles/{article.pk}/",
        {"links": [{"label": "ok", "url": "https://a.example/"}, {"label": "bad", "url": "nope"}]},
        format="json",
    )

    assert response.status_code == 400
    assert "links.1.url" in error_of(response)["fields"]


def test_refetch_sets_the_article_pending_and_queues_it(
    contributor_api, django_capture_on_commit_callbacks, fetches
):
    article = ArticleFactory.create(fetch_state=Article.FetchState.FAILED, fetch_error="timeout")

    with django_capture_on_commit_callbacks(execute=True):
        response = contributor_api.post(f"/api/v1/articles/{article.pk}/refetch/")

    assert response.status_code == 202
    assert (response.json()["fetch_state"], response.json()["fetch_error"]) == ("pending", "")
    assert fetches == [article.pk]


def test_articles_filter_by_kind_fetch_state_source_and_tag(contributor_api):
    github = ArticleFactory.create(kind="github", fetch_state="failed")
    tagged = ArticleFactory.create(kind="arxiv")
    tagged.tags.create(name="论文", slug="paper")

    def ids(query: str) -> list[int]:
        return [
            a["id"] for a in contributor_api.get(f"/api/v1/articles/?{query}").json()["results"]
        ]

    assert ids("kind=github") == [github.pk]
    assert ids("fetch_state=failed") == [github.pk]
    assert ids(f"source={tagged.source.slug}") == [tagged.pk]
    assert ids("tag=paper") == [tagged.pk]


def test_an_unknown_filter_choice_is_a_field_error(contributor_api):
    response = contributor_api.get("/api/v1/articles/?kind=podcast")

    assert response.status_code == 400
    assert "kind" in error_of(response)["fields"]
