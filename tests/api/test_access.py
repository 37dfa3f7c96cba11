"""Who may do what: anonymous readers, contributor and editor tokens, sessions with CSRF."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from digest.models import Entry
from tests.api.conftest import error_of
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_anonymous_clients_read_articles_of_published_issues_only(anon, make_issue):
    published = make_issue(main=1, others=0, published=True)
    draft = make_issue(main=1, others=0)
    loose = ArticleFactory.create()
    shown = published.entries.get().article
    hidden = draft.entries.get().article

    listed = anon.get("/api/v1/articles/").json()

    assert [a["id"] for a in listed["results"]] == [shown.pk]
    assert anon.get(f"/api/v1/articles/{shown.pk}/").status_code == 200
    assert anon.get(f"/api/v1/articles/{hidden.pk}/").status_code == 404
    assert anon.get(f"/api/v1/articles/{loose.pk}/").status_code == 404


def test_anonymous_article_counts_include_each_published_article_once(anon, make_issue):
    first = make_issue(main=2, others=1, published=True)
    second = make_issue(main=1, others=0, published=True)
    again = first.entries.first().article
    Entry.objects.create(issue=second, article=again, position=9)
    draft = make_issue(main=1, others=0)
    Entry.objects.create(issue=draft, article=second.entries.first().article, position=9)
    ArticleFactory.create()

    for query in ("", "?page_size=2", "?ordering=title", f"?kind={again.kind}", "?search="):
        body = anon.get(f"/api/v1/articles/{query}").json()
        assert body["count"] == 4, query
    assert len(anon.get("/api/v1/articles/?page_size=100").json()["results"]) == 4
    assert anon.get("/api/v1/articles/?kind=github").json()["count"] == 0


def test_anonymous_article_list_is_counted_from_the_entries(anon, make_issue):
    make_issue(main=2, others=0, published=True)

    with CaptureQueriesContext(connection) as queries:
        anon.get("/api/v1/articles/")

    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1
    assert "articles_article" not in counts[0]


@pytest.mark.parametrize(
    "path", ["/api/v1/digests/", "/api/v1/sources/", "/api/v1/tags/", "/api/v1/digests/ai-brief/"]
)
def test_anonymous_clients_read_nothing_but_issues_and_articles(anon, digest, path):
    response = anon.get(path)

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/issues/"),
        ("post", "/api/v1/articles/"),
        ("post", "/api/v1/articles/bulk/"),
        ("post", "/api/v1/sources/"),
        ("post", "/api/v1/tags/"),
    ],
)
def test_anonymous_writes_need_authentication(anon, method, path):
    response = getattr(anon, method)(path, {}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_unknown_token_is_refused(make_issue):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = client.get("/api/v1/issues/")

    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_contributors_add_and_edit_articles(contributor_api):
    created = contributor_api.post(
        "/api/v1/articles/", {"url": "https://example.com/post"}, format="json"
    )
    edited = contributor_api.patch(
        f"/api/v1/articles/{created.json()['id']}/", {"title": "标题"}, format="json"
    )

    assert created.status_code == 201
    assert edited.status_code == 200


def test_contributors_read_drafts_but_cannot_assemble_or_publish(contributor_api, make_issue):
    draft = make_issue()
    entry = draft.entries.first()

    assert contributor_api.get(f"/api/v1/issues/{draft.pk}/").status_code == 200
    refused = [
        contributor_api.post("/api/v1/issues/", {"digest": "ai-brief"}, format="json"),
        contributor_api.patch(f"/api/v1/issues/{draft.pk}/", {"title": "x"}, format="json"),
        contributor_api.post(f"/api/v1/issues/{draft.pk}/publish/", {}, format="json"),
        contributor_api.post(f"/api/v1/issues/{draft.pk}/unpublish/", {}, format="json"),
        contributor_api.delete(f"/api/v1/issues/{draft.pk}/entries/{entry.pk}/"),
        contributor_api.post(
            f"/api/v1/issues/{draft.pk}/entries/reorder/", {"entries": [entry.pk]}, format="json"
        ),
    ]

    assert [r.status_code for r in refused] == [403] * len(refused)
    assert error_of(refused[0])["code"] == "permission_denied"


def test_editors_publish_with_a_token(editor_api, make_issue):
    draft = make_issue()

    response = editor_api.post(f"/api/v1/issues/{draft.pk}/publish/", {}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "published"


def test_a_user_without_a_role_reads_like_an_anonymous_client(make_issue, django_user_model):
    from tests.api.conftest import token_client

    client = token_client(django_user_model.objects.create_user("reader", password="pw"))
    draft = make_issue()

    assert client.get(f"/api/v1/issues/{draft.pk}/").status_code == 404
    assert client.get("/api/v1/sources/").status_code == 403


def test_session_writes_need_the_csrf_token(editor_user, make_issue):
    draft = make_issue()
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor_user)
    url = f"/api/v1/issues/{draft.pk}/"

    without = client.patch(url, {"title": "x"}, format="json")
    client.cookies["csrftoken"] = secret = "s3cr3t" * 5 + "ab"  # 32 characters, as Django makes
    with_token = client.patch(url, {"title": "x"}, format="json", HTTP_X_CSRFTOKEN=secret)

    assert without.status_code == 403
    assert "CSRF" in error_of(without)["message"]
    assert with_token.status_code == 200


def test_session_reads_work_without_csrf(editor_user, make_issue):
    draft = make_issue()
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor_user)

    assert client.get(f"/api/v1/issues/{draft.pk}/").status_code == 200
