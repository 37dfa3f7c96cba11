"""The feeds and inbox API: CRUD under sources, the inbox list, PATCH and bulk triage."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from feeds.models import Feed, InboxItem
from tests.factories import ArticleFactory, DigestFactory, SourceFactory, contributor, editor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rates(settings) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
    }


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api() -> APIClient:
    return client_for(editor())


def test_editor_creates_lists_updates_and_deletes_a_sources_feeds(api) -> None:
    source = SourceFactory.create()
    DigestFactory.create(slug="ai-brief")
    base = f"/api/v1/sources/{source.pk}/feeds/"

    created = api.post(
        base,
        {"kind": "feed", "url": "https://lab.example/feed.xml", "digest": "ai-brief"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["source"], body["digest"], body["status"], body["interval_minutes"]) == (
        source.slug,
        "ai-brief",
        "never",
        60,
    )
    listed = api.get(base).json()
    assert [feed["id"] for feed in listed["results"]] == [body["id"]]

    detail = f"/api/v1/feeds/{body['id']}/"
    patched = api.patch(
        detail, {"interval_minutes": 30, "feed_data_is_enough": True}, format="json"
    )
    assert (patched.json()["interval_minutes"], patched.json()["feed_data_is_enough"]) == (30, True)

    assert api.delete(detail).status_code == 204
    assert not Feed.objects.exists()


def test_bad_feed_input_gets_the_error_shape(api) -> None:
    source = SourceFactory.create()
    base = f"/api/v1/sources/{source.pk}/feeds/"
    missing = api.post(base, {"kind": "feed"}, format="json")
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "invalid"
    assert "url" in missing.json()["error"]["fields"]
    bad_repo = api.post(base, {"kind": "github", "query": "not a repo"}, format="json")
    assert "query" in bad_repo.json()["error"]["fields"]
    api.post(base, {"kind": "arxiv", "query": "cs.CL"}, format="json")
    again = api.post(base, {"kind": "arxiv", "query": "cs.CL"}, format="json")
    assert again.status_code in (400, 409)
    assert api.get("/api/v1/sources/999999/feeds/").status_code == 404
    assert api.get("/api/v1/sources/abc/feeds/").status_code == 400


def test_anonymous_and_contributors_cannot_change_feeds(api) -> None:
    source = SourceFactory.create()
    base = f"/api/v1/sources/{source.pk}/feeds/"
    assert APIClient().get(base).status_code in (401, 403)
    helper = client_for(contributor())
    assert helper.get(base).status_code == 200
    assert helper.post(base, {"kind": "arxiv", "query": "cs.AI"}, format="json").status_code == 403


@pytest.fixture
def inbox() -> list[InboxItem]:
    digest = DigestFactory.create(slug="ai-brief")
    now = timezone.now()
    states = ["new", "shortlisted", "dismissed", "new"]
    return [
        InboxItem.objects.create(
            digest=digest,
            article=ArticleFactory.create(title=f"Story {n}"),
            state=state,
            arrived_at=now - timedelta(hours=n),
        )
        for n, state in enumerate(states)
    ]


def test_inbox_lists_shortlisted_then_new_and_filters(api, inbox) -> None:
    listed = api.get("/api/v1/digests/ai-brief/inbox/").json()["results"]
    assert [item["id"] for item in listed] == [inbox[1].pk, inbox[0].pk, inbox[3].pk]
    assert listed[0]["article"]["title"] == "Story 1"
    dismissed = api.get("/api/v1/digests/ai-brief/inbox/?state=dismissed").json()["results"]
    assert [item["id"] for item in dismissed] == [inbox[2].pk]
    assert api.get("/api/v1/digests/nope/inbox/").status_code == 404


def test_arrival_filters_take_any_offset_python_reads(api, inbox) -> None:
    # PostgreSQL refuses offsets past ±15:59; the filter moves the moment to UTC first.
    since = (inbox[1].arrived_at - timedelta(minutes=1)).astimezone(
        dt.timezone(-timedelta(hours=19, minutes=22))
    )
    url = "/api/v1/digests/ai-brief/inbox/?arrived_after=" + quote(since.isoformat())
    far = "/api/v1/digests/ai-brief/inbox/?arrived_before=0001-01-01T00%3A00%3A00%2B05%3A00"

    listed = api.get(url)
    out_of_range = api.get(far)

    assert listed.status_code == 200
    assert {item["id"] for item in listed.json()["results"]} == {inbox[0].pk, inbox[1].pk}
    assert out_of_range.status_code == 400


def test_patch_and_bulk_triage(api, inbox) -> None:
    one = api.patch(f"/api/v1/inbox/{inbox[0].pk}/", {"state": "shortlisted"}, format="json")
    assert one.status_code == 200 and one.json()["state"] == "shortlisted"
    assert (
        api.patch(f"/api/v1/inbox/{inbox[0].pk}/", {"state": "maybe"}, format="json").status_code
        == 400
    )

    bulk = api.post(
        "/api/v1/inbox/triage/",
        {"ids": [inbox[0].pk, inbox[3].pk, 999999], "state": "dismissed"},
        format="json",
    )
    assert bulk.json() == {"changed": 2, "missing": [999999]}
    assert set(InboxItem.objects.filter(state="dismissed").values_list("pk", flat=True)) == {
        inbox[0].pk,
        inbox[2].pk,
        inbox[3].pk,
    }
    empty = api.post("/api/v1/inbox/triage/", {"ids": [], "state": "new"}, format="json")
    assert empty.status_code == 400


def test_contributors_may_triage(inbox) -> None:
    helper = client_for(contributor())
    response = helper.patch(
        f"/api/v1/inbox/{inbox[0].pk}/", {"state": "shortlisted"}, format="json"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "arrived_after=1067-08-09T18:11:51.249748-19:22",
        "arrived_before=0001-01-01T00:00:00-23:00",
        "arrived_after=9999-12-31T23:59:59-23:00",
    ],
)
def test_odd_arrival_dates_are_answered_never_a_500(api, inbox, query) -> None:
    response = api.get(f"/api/v1/digests/ai-brief/inbox/?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["error"]["fields"]
