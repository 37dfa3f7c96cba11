from __future__ import annotations

import json

import pytest

from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


def export_url(issue, query: str = "") -> str:
    return f"/api/v1/issues/{issue.pk}/export/{query}"


def test_markdown_is_the_default_export(anon, make_issue):
    issue = make_issue(main=2, others=1, published=True)
    titles = [e.title for e in issue.entries.order_by("position")]

    response = anon.get(export_url(issue))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    assert all(title in text for title in titles)
    assert text.index(titles[0]) < text.index(titles[1]) < text.index(titles[2])


def test_the_json_export_is_the_issue_detail_schema(anon, make_issue, settings):
    issue = make_issue(published=True)

    exported = anon.get(export_url(issue, "?format=json"))
    detail = anon.get(f"/api/v1/issues/{issue.pk}/").json()

    assert exported["Content-Type"] == "application/json"
    body = json.loads(exported.content)
    assert body["schema_version"] == 1
    assert set(body) == set(detail)
    assert body["url"] == f"{settings.SITE_URL}/api/v1/issues/{issue.pk}/"
    assert [e["id"] for e in body["entries"]["main"]] == [
        e["id"] for e in detail["entries"]["main"]
    ]


def test_a_download_is_sent_as_an_attachment(anon, make_issue):
    issue = make_issue(published=True, number=3)

    response = anon.get(export_url(issue, "?format=markdown&download=true"))

    assert response["Content-Disposition"] == 'attachment; filename="ai-brief-3.md"'


def test_the_html_export_is_delegated_to_the_exporter(anon, make_issue, monkeypatch):
    issue = make_issue(published=True)
    calls = []

    def fake_export(exported, fmt):
        calls.append((exported.pk, str(fmt)))
        return "<article>issue</article>"

    monkeypatch.setattr("api.views.issues.export_issue", fake_export)

    response = anon.get(export_url(issue, "?format=html"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content == b"<article>issue</article>"
    assert calls == [(issue.pk, "html")]


def test_an_unknown_export_format_is_a_400_listing_the_formats(anon, make_issue):
    issue = make_issue(published=True)

    response = anon.get(export_url(issue, "?format=pdf"))

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "markdown, html, json" in error_of(response)["message"]


def test_drafts_are_not_exported_to_anonymous_clients(anon, editor_api, make_issue):
    draft = make_issue()

    refused = anon.get(export_url(draft, "?format=markdown"))

    assert refused.status_code == 404
    assert refused["Content-Type"] == "application/json"
    assert editor_api.get(export_url(draft, "?format=markdown")).status_code == 200
