"""Chinese typography in rendered Markdown: bold next to full-width punctuation, no stray spaces.

CommonMark's flanking rules alone leave `**门槛不高。**部分` as literal asterisks; the
project's one parser (digest.commonmark) reads it as bold everywhere a reader meets it.
"""

import html as html_lib

import feedparser
import pytest
from django.urls import reverse

from digest.commonmark import UnclosedFence, structure
from digest.exporters import export_issue
from digest.exporters.markdown import summary_markdown
from digest.importer import issue_import_markdown
from digest.rendering import render_markdown

BOLD = "<strong>门槛不高。</strong>部分学生表示"


def test_bold_next_to_full_width_punctuation_renders_bold() -> None:
    html = render_markdown("1. **门槛不高。**部分学生表示，这门课程不需要基础。")
    assert BOLD in html
    assert "**" not in html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("**「重要」**的事", "<strong>「重要」</strong>的事"),
        ("这是*强调：*文字", "<em>强调：</em>文字"),
        ("模型**GPT-4**发布", "<strong>GPT-4</strong>发布"),
    ],
)
def test_emphasis_beside_cjk_text_and_punctuation(source: str, expected: str) -> None:
    assert expected in render_markdown(source)


def test_a_soft_break_between_chinese_characters_is_no_space() -> None:
    html = render_markdown("第一行的文字\n接着第二行")
    assert "第一行的文字接着第二行" in html


def test_a_soft_break_between_latin_words_stays_a_break() -> None:
    html = render_markdown("first line\nsecond line")
    assert "first line\nsecond line" in html


def test_structure_finds_headings_outside_code_and_quotes() -> None:
    text = "# one\n\n```\n# not a heading\n```\n\n> # quoted\n\n- # listed\n\n# two"
    found = structure(text)
    assert found.top_headings == (0, 10)
    assert found.code[2:5] == (True, True, True)
    assert found.quoted[6] and not found.quoted[8]


def test_structure_counts_lazy_quote_lines_as_quoted() -> None:
    found = structure("> 原文链接：https://example.com/a\nlazy text\n\nafter")
    assert found.quoted[:2] == (True, True) and not found.quoted[3]


def test_structure_refuses_an_unclosed_top_level_fence() -> None:
    with pytest.raises(UnclosedFence) as raised:
        structure("text\n\n~~~python\n# code\n")
    assert raised.value.line == 2


def test_a_fence_with_a_backtick_in_its_info_string_is_not_a_fence() -> None:
    found = structure("``` not`a fence\n# heading")
    assert found.top_headings == (1,)
    assert not any(found.code)


def test_summary_headings_are_demoted_but_code_is_kept() -> None:
    summary = "# 标题\n\n```\n# 注释\n```\n\n正文"
    assert summary_markdown(summary) == "## 标题\n\n```\n# 注释\n```\n\n正文"


def test_summary_with_an_unclosed_fence_is_closed_as_commonmark_reads_it() -> None:
    assert summary_markdown("正文\n\n````\n# code") == "正文\n\n````\n# code\n````"


@pytest.mark.django_db
@pytest.mark.shared
class TestSeedIssue:
    """The seed's entry 7 writes `**门槛不高。**部分`: bold on every surface."""

    @pytest.fixture
    def issue(self, seed_path):
        return issue_import_markdown(text=seed_path.read_text(encoding="utf-8")).issue

    def test_issue_page(self, client, issue) -> None:
        url = reverse("archive:issue", kwargs={"digest": issue.digest.slug, "number": issue.number})
        page = client.get(url).content.decode()
        assert BOLD in page
        assert "**门槛不高" not in page

    @pytest.mark.parametrize("name", ["archive:feed-rss", "archive:feed-atom"])
    def test_feeds(self, client, issue, name: str) -> None:
        parsed = feedparser.parse(client.get(reverse(name)).content)
        entry = parsed.entries[0]
        body = entry.get("content", [{}])[0].get("value") or entry.summary
        assert BOLD in html_lib.unescape(body) or BOLD in body
        assert "**门槛不高" not in body

    def test_html_export(self, issue) -> None:
        exported = export_issue(issue, "html")
        assert "门槛不高。</strong>部分学生表示" in exported
        assert "**门槛不高" not in exported

    def test_markdown_export_keeps_the_asterisks(self, issue) -> None:
        assert "**门槛不高。**部分学生表示" in export_issue(issue, "markdown")
