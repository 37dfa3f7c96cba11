from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.articles.extractors.conftest import OWN_PAGES

WECHAT_URL = "https://mp.weixin.qq.com/s/AbCdEfGhIjKl"


def run(*args: str) -> dict:
    out = StringIO()
    call_command("extract_page", *args, stdout=out)
    return json.loads(out.getvalue())


def test_prints_the_extraction_as_json() -> None:
    data = run(WECHAT_URL, "--file", str(OWN_PAGES / "wechat_article_links.html"))
    assert data["kind"] == "wechat"
    assert data["title"] == "GPT & 小模型：一周速览"
    assert data["published_at"] == "2024-05-11T12:00:00+08:00"
    assert data["related_links"][0] == {
        "label": "Paper",
        "url": "https://arxiv.org/abs/2405.05966",
        "source": "body",
    }
    assert {"publication", "author", "summary", "image_url", "metadata", "canonical_url"} <= set(
        data
    )


def test_prints_the_declared_description_apart_from_the_summary(pages_dir) -> None:
    path = pages_dir / "generic" / "magic-html_163_apple_antitrust_zh_2024.html"
    data = run("https://www.163.com/dy/article/J2PBDVUF0511A6N9.html", "--file", str(path))
    # The page's description is its title plus keywords: printed, but not the summary.
    assert data["description"].startswith("苹果称美国反垄断诉讼应被驳回,指控")
    assert data["summary"].startswith("鞭牛士报道，5月22日消息，据外电报道，苹果公司周二表示")


def test_reads_saved_api_responses(pages_dir) -> None:
    path = pages_dir / "github" / "pygithub_repos_PyGithub_PyGithub.json"
    data = run("https://github.com/PyGithub/PyGithub", "--file", str(path))
    assert data["title"] == "PyGithub/PyGithub"
    assert data["metadata"]["stars"] == 7122


def test_not_an_article_prints_error_json_and_exits_1() -> None:
    out = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "extract_page", WECHAT_URL, "--file", str(OWN_PAGES / "wechat_deleted.html"), stdout=out
        )
    assert exited.value.code == 1
    data = json.loads(out.getvalue())
    assert data["error"] == "deleted"
    assert data["message"]


def test_missing_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("extract_page", WECHAT_URL, "--file", str(tmp_path / "missing.html"))


def test_directory_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("extract_page", WECHAT_URL, "--file", str(tmp_path))
