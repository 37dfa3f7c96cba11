"""A typed client generated from the served schema (openapi-python-client) works end to end.

The client is generated into a temporary folder during the test, never committed; it talks
to the API served by gunicorn in its own process.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from articles.tasks import fetch_article
from digest.models import Issue

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PACKAGE = "briefroom_client"
PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8">
<title>多模态模型的新基准</title>
<meta property="og:title" content="多模态模型的新基准">
<meta name="description" content="一个衡量多模态推理的新基准。"></head>
<body><article><h1>多模态模型的新基准</h1><p>一个衡量多模态推理的新基准。</p></article></body></html>
"""


def generate_client(schema_url: str, folder: Path) -> ModuleType:
    schema = folder / "openapi.json"
    with urllib.request.urlopen(schema_url, timeout=30) as response:  # our loopback server
        schema.write_bytes(response.read())
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
        ],
        cwd=folder,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        check=True,
        capture_output=True,
        timeout=300,
    )
    sys.path.insert(0, str(folder))
    return importlib.import_module(PACKAGE)


@pytest.fixture
def client(seeded_server, tmp_path) -> Any:
    base, token = seeded_server
    package = generate_client(f"{base}/api/schema/?format=json", tmp_path)
    yield package.AuthenticatedClient(base_url=base, token=token, prefix="Token")
    sys.path.remove(str(tmp_path))
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def operation(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.api.v1.{name}")


def models() -> Any:
    return importlib.import_module(f"{PACKAGE}.models")


def test_the_generated_client_lists_and_pages_through_digests_and_issues(client):

    digests = operation("v1_digests_list").sync(client=client)
    numbers: list[int] = []
    page = 1
    while page:
        issues = operation("v1_issues_list").sync(client=client, page=page, page_size=2)
        numbers += [issue.number for issue in issues.results]
        page = page + 1 if issues.next_ else 0

    assert [digest.slug for digest in digests.results] == ["ai-brief"]
    # The editor sees every issue: three published, one scheduled, two drafts.
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]
    assert issues.count == 6


def test_the_generated_client_reads_an_issue_and_exports_it_as_markdown(client):
    issue = Issue.objects.get(number=3)

    detail = operation("v1_issues_retrieve").sync(id=issue.pk, client=client)
    markdown_format = operation("v1_issues_export_retrieve").V1IssuesExportRetrieveFormat.MARKDOWN
    exported = operation("v1_issues_export_retrieve").sync_detailed(
        id=issue.pk, client=client, format_=markdown_format
    )

    assert isinstance(detail, models().IssueDetailOutput)
    assert detail.title == "第 3 期"
    assert [entry.number for entry in detail.entries.main] == [1, 2]
    assert len(detail.entries.others) == 1
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/markdown")
    markdown = exported.content.decode()
    for entry in detail.entries.main:
        assert entry.title in markdown


def test_the_generated_client_adds_an_article_from_a_url_to_a_draft_with_if_match(
    client, local_server
):
    url = local_server.url("/news/benchmark")
    local_server.add("/news/benchmark", 200, {"Content-Type": "text/html; charset=utf-8"}, PAGE)
    draft = Issue.objects.get(number=5)

    created = operation("v1_articles_create").sync_detailed(
        client=client, body=models().UrlInput(url=url)
    )
    article = created.parsed
    # The server queues the fetch on a broker no worker reads; fetch it here, from the
    # local server, as a worker would.
    fetch_article.apply(args=[article.id])
    fetched = operation("v1_articles_retrieve").sync(id=article.id, client=client)

    read = operation("v1_issues_retrieve").sync_detailed(id=draft.pk, client=client)
    etag = read.headers["etag"]
    added = operation("v1_issues_entries_create").sync_detailed(
        id=draft.pk,
        client=client,
        # An entry names an article or a URL, one of the two: the schema's oneOf, which the
        # generator leaves as a plain JSON body.
        body={"article": article.id, "section": "main"},
        if_match=etag,
    )
    renamed = operation("v1_issues_partial_update").sync_detailed(
        id=draft.pk,
        client=client,
        body=models().PatchedIssueUpdateInput(title="第 5 期：多模态"),
        if_match=operation("v1_issues_retrieve")
        .sync_detailed(id=draft.pk, client=client)
        .headers["etag"],
    )

    assert created.status_code == 201
    assert fetched.title == "多模态模型的新基准"
    assert added.status_code == 201
    assert added.parsed.article.id == article.id
    assert renamed.status_code == 200
    assert renamed.parsed.title == "第 5 期：多模态"
    assert article.id in [entry.article.id for entry in renamed.parsed.entries.main]
    assert renamed.headers["etag"] != etag
