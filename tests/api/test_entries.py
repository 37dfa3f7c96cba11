from __future__ import annotations

import pytest

from digest.models import Entry
from tests.api.conftest import error_of
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def entries_url(issue) -> str:
    return f"/api/v1/issues/{issue.pk}/entries/"


def test_adding_an_article_by_id_appends_it_to_the_section(editor_api, make_issue):
    issue = make_issue(main=2, others=0)
    article = ArticleFactory.create()

    response = editor_api.post(
        entries_url(issue), {"article": article.pk, "section": "others"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["section"], body["position"], body["number"]) == ("others", 3, 1)
    assert body["article"]["id"] == article.pk


def test_adding_the_same_article_again_returns_the_existing_entry(editor_api, make_issue):
    issue = make_issue(main=1, others=0)
    article = issue.entries.get().article

    response = editor_api.post(entries_url(issue), {"article": article.pk}, format="json")

    assert response.status_code == 200
    assert issue.entries.count() == 1


def test_adding_by_url_creates_the_article_and_queues_its_fetch(
    editor_api, make_issue, django_capture_on_commit_callbacks, fetches
):
    issue = make_issue(main=0, others=0)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_api.post(
            entries_url(issue), {"url": "https://arxiv.org/pdf/2101.00001v2.pdf"}, format="json"
        )

    assert response.status_code == 201
    article = response.json()["article"]
    assert article["canonical_url"] == "https://arxiv.org/abs/2101.00001"
    assert fetches == [article["id"]]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "ftp://example.com/x"}, "url"),
        ({"article": "abc"}, "article"),
        ({"article": 1, "section": "sidebar"}, "section"),
        ({"article": 1, "position": -3}, "position"),
    ],
)
def test_bad_entry_input_is_a_field_error(editor_api, make_issue, payload, field):
    issue = make_issue()

    response = editor_api.post(entries_url(issue), payload, format="json")

    assert response.status_code == 400
    assert field in error_of(response)["fields"]


def test_an_unknown_article_is_not_found(editor_api, make_issue):
    response = editor_api.post(entries_url(make_issue()), {"article": 999999}, format="json")

    assert response.status_code == 404


def test_neither_or_both_of_article_and_url_is_refused(editor_api, make_issue):
    issue = make_issue()

    neither = editor_api.post(entries_url(issue), {}, format="json")
    both = editor_api.post(
        entries_url(issue), {"article": 1, "url": "https://example.com/"}, format="json"
    )

    assert [neither.status_code, both.status_code] == [400, 400]
    assert "either" in error_of(neither)["message"]


def test_a_taken_position_is_refused(editor_api, make_issue):
    issue = make_issue(main=2, others=0)

    response = editor_api.post(
        entries_url(issue), {"article": ArticleFactory.create().pk, "position": 2}, format="json"
    )

    assert response.status_code == 409
    assert "position 2 is taken" in error_of(response)["message"]


def test_reordering_sets_positions_in_the_given_order(editor_api, make_issue):
    issue = make_issue(main=3, others=0)
    ids = list(issue.entries.order_by("position").values_list("pk", flat=True))

    response = editor_api.post(
        f"{entries_url(issue)}reorder/", {"entries": ids[::-1]}, format="json"
    )

    assert response.status_code == 200
    assert [e["id"] for e in response.json()["main"]] == ids[::-1]
    assert [e["number"] for e in response.json()["main"]] == [1, 2, 3]


@pytest.mark.parametrize(
    ("shape", "status"), [("repeated", 400), ("missing", 409), ("foreign", 409)]
)
def test_a_reorder_must_list_each_entry_once(editor_api, make_issue, shape, status):
    issue = make_issue(main=3, others=0)
    ids = list(issue.entries.values_list("pk", flat=True))
    order = {
        "repeated": [ids[0], ids[0], ids[1], ids[2]],
        "missing": ids[:2],
        "foreign": [*ids, 10**9],
    }[shape]

    response = editor_api.post(f"{entries_url(issue)}reorder/", {"entries": order}, format="json")

    # A repeated id is bad input; a list of other entries than the issue has is a stale view.
    assert response.status_code == status
    assert error_of(response)["message"] or error_of(response)["fields"]


def test_moving_an_entry_to_the_others_section(editor_api, make_issue):
    issue = make_issue(main=2, others=0)
    entry = issue.entries.order_by("position").first()

    response = editor_api.post(
        f"{entries_url(issue)}{entry.pk}/move/", {"section": "others", "position": 9}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["section"], response.json()["position"]) == ("others", 9)
    assert [e["number"] for e in editor_api.get(entries_url(issue)).json()["main"]] == [1]


def test_moving_to_an_unknown_section_is_a_field_error(editor_api, make_issue):
    issue = make_issue()
    entry = issue.entries.first()

    response = editor_api.post(
        f"{entries_url(issue)}{entry.pk}/move/", {"section": "sidebar"}, format="json"
    )

    assert response.status_code == 400
    assert "section" in error_of(response)["fields"]


def test_overrides_replace_the_articles_title_and_summary(editor_api, make_issue):
    issue = make_issue(main=1, others=0)
    entry = issue.entries.get()

    response = editor_api.patch(
        f"{entries_url(issue)}{entry.pk}/",
        {"title_override": "更好的标题", "summary_override": "一句话"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["summary"]) == ("更好的标题", "一句话")


def test_removing_an_entry_from_a_draft(editor_api, make_issue):
    issue = make_issue(main=2, others=0)
    entry = issue.entries.first()

    response = editor_api.delete(f"{entries_url(issue)}{entry.pk}/")

    assert response.status_code == 204
    assert not Entry.objects.filter(pk=entry.pk).exists()


def test_removing_an_entry_from_a_published_issue_is_a_conflict(editor_api, make_issue):
    issue = make_issue(main=2, others=0, published=True)
    entry = issue.entries.first()

    response = editor_api.delete(f"{entries_url(issue)}{entry.pk}/")

    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
    assert "unpublish it first" in error_of(response)["message"]
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_an_entry_of_another_issue_is_not_found(editor_api, make_issue):
    first, second = make_issue(), make_issue()
    other = second.entries.first()

    assert editor_api.get(f"{entries_url(first)}{other.pk}/").status_code == 404


def test_anonymous_clients_read_entries_of_published_issues_only(anon, make_issue):
    published, draft = make_issue(published=True), make_issue()

    assert anon.get(entries_url(published)).status_code == 200
    assert anon.get(entries_url(draft)).status_code == 404
