"""Parser, renderer and reading stats of the house-style Markdown, on small fixtures."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.housestyle import (
    HouseEntry,
    HouseIssue,
    HouseLink,
    HouseOther,
    HouseStyleError,
    count_characters,
    fill_intro,
    parse_intro_identity,
    parse_issue_markdown,
    reading_minutes,
    render_issue_markdown,
    stats_line,
)

GOLDEN_ISSUE = HouseIssue(
    intro="本期为 AI 简报 20240105 期，将为您带来 2 条相关新闻",
    stats_line="本文一共 120 字，通篇阅读结束需要 1~1 分钟",
    entries=[
        HouseEntry(
            title="Faster | smaller 《模型》!!",
            url="https://example.com/a?id=1",
            publication="Example Weekly",
            image_url="https://img.example.com/a.png",
            summary="第一段，含 **粗体**。\n\n```sh\n# not a heading\n> not a quote\n```",
            related_links=[HouseLink("原文链接", "https://example.com/a-original")],
        ),
        HouseEntry(
            title="“引号”标题",
            url="https://example.org/b",
            publication="实验室",
            summary="> 小编：这是评论，不是链接\n\n正文。",
            related_links=[
                HouseLink("论文", "https://arxiv.org/abs/2401.00001"),
                HouseLink("Code", "https://github.com/example/b"),
            ],
        ),
    ],
    others=[
        HouseOther("前沿|其他", "https://example.net/c", "量子位"),
        HouseOther("D", "https://example.net/d", "CVer"),
    ],
)

GOLDEN_MARKDOWN = """\
[TOC]

> 导读： 本期为 AI 简报 20240105 期，将为您带来 2 条相关新闻
>
> 本文一共 120 字，通篇阅读结束需要 1~1 分钟

# 1. [Faster | smaller 《模型》!!](https://example.com/a?id=1) | Example Weekly

![](https://img.example.com/a.png)

第一段，含 **粗体**。

```sh
# not a heading
> not a quote
```

> 原文链接：https://example.com/a-original

# 2. [“引号”标题](https://example.org/b) | 实验室

> 小编：这是评论，不是链接

正文。

> - 论文：
>
>     https://arxiv.org/abs/2401.00001
>
> - Code：
>
>     https://github.com/example/b

# 3. 其他

- [前沿|其他](https://example.net/c) | 量子位

- [D](https://example.net/d) | CVer
"""

INTRO = "> 导读： 本期为 AI 简报 1 期\n\n"


def issue_with(*entries: HouseEntry, others: list[HouseOther] | None = None) -> HouseIssue:
    return HouseIssue(intro="本期", stats_line="", entries=list(entries), others=others or [])


def entry(**fields: object) -> HouseEntry:
    base = {"title": "T", "url": "https://e.com/t", "publication": "P"}
    return HouseEntry(**{**base, **fields})  # type: ignore[arg-type]


def only_entry(body: str, heading: str = "# 1. [T](https://e.com/t) | P") -> HouseEntry:
    issue = parse_issue_markdown(f"{INTRO}{heading}\n\n{body}\n")
    assert len(issue.entries) == 1
    return issue.entries[0]


# --- rendering -----------------------------------------------------------------------


def test_render_writes_the_exact_house_style_for_a_hand_built_issue() -> None:
    assert render_issue_markdown(GOLDEN_ISSUE) == GOLDEN_MARKDOWN


def test_parse_reads_the_golden_markdown_back_into_the_same_issue() -> None:
    assert parse_issue_markdown(GOLDEN_MARKDOWN) == GOLDEN_ISSUE


def test_render_omits_others_section_and_stats_line_when_absent() -> None:
    text = render_issue_markdown(issue_with(entry(summary="正文")))
    assert text == "[TOC]\n\n> 导读： 本期\n\n# 1. [T](https://e.com/t) | P\n\n正文\n"


def test_render_writes_any_single_link_inline_whatever_its_label() -> None:
    text = render_issue_markdown(
        issue_with(entry(related_links=[HouseLink("课程主页", "https://c.org/")]))
    )
    assert text.endswith("| P\n\n> 课程主页：https://c.org/\n")


def test_render_labels_an_unlabelled_link_as_the_original_article() -> None:
    text = render_issue_markdown(issue_with(entry(related_links=[HouseLink("", "https://c.org/")])))
    assert text.endswith("\n> 原文链接：https://c.org/\n")


def test_render_puts_related_links_after_the_summary_and_numbers_others_after_entries() -> None:
    issue = issue_with(
        entry(summary="a", related_links=[HouseLink("L", "https://l.org/")]),
        entry(title="U", summary="b"),
        others=[HouseOther("O", "https://o.org/", "Q")],
    )
    text = render_issue_markdown(issue)
    assert text.index("> L：https://l.org/") > text.index("\na\n")
    assert "\n# 2. [U](https://e.com/t) | P\n" in text
    assert text.endswith("\n# 3. 其他\n\n- [O](https://o.org/) | Q\n")


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"title": "two\nlines"}, "title spans several lines"),
        ({"title": "  "}, "title is empty"),
        ({"publication": ""}, "publication is empty"),
        ({"url": "https://e.com/a b"}, "url cannot be written"),
        ({"summary": "text\n# 2. [X](https://x.org) | Y"}, "top-level `# ` heading"),
        ({"summary": "```\nnever closed"}, "code fence is never closed"),
        ({"related_links": [HouseLink("a：b", "https://x.org/")]}, "label cannot be written"),
        ({"related_links": [HouseLink("a", "ftp://x.org/")]}, "not a bare http(s) URL"),
    ],
)
def test_render_refuses_fields_that_would_change_the_document_structure(
    change: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(ValueError, match="entry 1") as caught:
        render_issue_markdown(issue_with(dataclasses.replace(entry(), **change)))
    assert complaint in str(caught.value)


def test_render_refuses_a_stats_line_not_in_the_house_format() -> None:
    issue = dataclasses.replace(issue_with(entry()), stats_line="about 5 minutes")
    with pytest.raises(ValueError, match="stats line"):
        render_issue_markdown(issue)


# --- parsing: entries -------------------------------------------------------------------


def test_links_block_right_after_the_heading_is_lifted_and_a_later_image_stays_in_summary() -> None:
    parsed = only_entry(
        "> - 论文地址：\n>     https://arxiv.org/abs/1\n>\n> - 代码：\n>     https://github.com/a/b\n\n"
        "正文一。\n\n![](https://img.org/x.png)\n\n正文二。"
    )
    assert parsed.related_links == [
        HouseLink("论文地址", "https://arxiv.org/abs/1"),
        HouseLink("代码", "https://github.com/a/b"),
    ]
    assert parsed.image_url == ""
    assert parsed.summary == "正文一。\n\n![](https://img.org/x.png)\n\n正文二。"


def test_links_block_between_lead_image_and_summary_is_lifted() -> None:
    parsed = only_entry(
        "![](https://img.org/lead.png)\n\n> - Paper:\n>\n>     https://arxiv.org/abs/2\n\n正文。"
    )
    assert parsed.image_url == "https://img.org/lead.png"
    assert parsed.related_links == [HouseLink("Paper", "https://arxiv.org/abs/2")]
    assert parsed.summary == "正文。"


def test_lead_image_after_a_leading_links_block_is_still_the_lead_image() -> None:
    parsed = only_entry("> 原文链接：https://o.org/\n\n![](https://img.org/lead.png)\n\n正文。")
    assert (parsed.image_url, parsed.summary) == ("https://img.org/lead.png", "正文。")
    assert parsed.related_links == [HouseLink("原文链接", "https://o.org/")]


def test_trailing_inline_links_with_ascii_or_full_width_colons_are_lifted() -> None:
    parsed = only_entry("正文。\n\n> 原文链接：https://o.org/a\n> Code: https://github.com/a/b")
    assert parsed.summary == "正文。"
    assert parsed.related_links == [
        HouseLink("原文链接", "https://o.org/a"),
        HouseLink("Code", "https://github.com/a/b"),
    ]


def test_quote_mixing_a_link_with_commentary_stays_in_the_summary_verbatim() -> None:
    quote = "> 课程主页：https://course.org/\n>\n> 小编：之前推荐过，评价不错"
    parsed = only_entry(f"![](https://img.org/l.png)\n\n{quote}\n\n正文。")
    assert parsed.related_links == []
    assert parsed.summary == f"{quote}\n\n正文。"


def test_quote_of_program_output_with_a_colon_stays_in_the_summary() -> None:
    parsed = only_entry("运行结果：\n\n> 10 loops, best of 5: 12 ms per loop")
    assert parsed.related_links == []
    assert parsed.summary.endswith("> 10 loops, best of 5: 12 ms per loop")


def test_links_only_quote_in_the_middle_of_the_summary_stays_there() -> None:
    body = "正文一。\n\n> 原文链接：https://o.org/\n\n正文二。"
    parsed = only_entry(body)
    assert (parsed.summary, parsed.related_links) == (body, [])


def test_label_without_its_url_is_summary_text_not_a_links_block() -> None:
    parsed = only_entry(
        "正文。\n\n> - 测试地址：\n>\n> - Github：\n>\n>     https://github.com/a/b"
    )
    assert parsed.related_links == []
    assert "测试地址" in parsed.summary


def test_image_with_alt_text_is_not_taken_as_the_lead_image() -> None:
    parsed = only_entry("![架构图](https://img.org/a.png)\n\n正文。")
    assert parsed.image_url == ""
    assert parsed.summary.startswith("![架构图]")


def test_code_block_lines_starting_with_hash_or_quote_are_summary_not_structure() -> None:
    body = "代码：\n\n```python\n# 1. [not](https://a.b) | heading\n> not a quote\n```\n\n结果。"
    issue = parse_issue_markdown(f"{INTRO}# 1. [T](https://e.com/t) | P\n\n{body}\n")
    assert len(issue.entries) == 1
    assert issue.entries[0].summary == body


def test_summary_keeps_inner_blank_lines_and_trailing_spaces_as_written() -> None:
    body = "第一行 \n第二行\n\n\n```\nx = 1 \n```"
    assert only_entry(body).summary == body


def test_heading_titles_keep_pipes_brackets_and_quotes_and_publication_is_trimmed() -> None:
    parsed = only_entry(
        "正文",
        heading="# 1. [ 前沿|《Hi!!》“真的” | AAAI [2021] ](https://e.com/x?a=(1)) |  量子位 ",
    )
    assert parsed.title == "前沿|《Hi!!》“真的” | AAAI [2021]"
    assert parsed.url == "https://e.com/x?a=(1)"
    assert parsed.publication == "量子位"


def test_others_section_items_are_read_with_their_heading() -> None:
    issue = parse_issue_markdown(
        f"{INTRO}# 1. [T](https://e.com/t) | P\n\n# 2. 延伸阅读\n\n"
        "- [前沿|A！“B”](https://o.org/a) | 机器人大讲堂 \n\n- [C](https://o.org/c) | CVer\n"
    )
    assert issue.others_heading == "延伸阅读"
    assert issue.others == [
        HouseOther("前沿|A！“B”", "https://o.org/a", "机器人大讲堂"),
        HouseOther("C", "https://o.org/c", "CVer"),
    ]


def test_intro_and_stats_line_are_read_from_the_leading_quote() -> None:
    issue = parse_issue_markdown(
        "[TOC]\n\n> 导读： 本期为 AI 简报 3 期，开工大吉~\n>\n"
        "> 本文一共 900 字，通篇阅读结束需要 1~3 分钟\n\n\n\n# 1. [T](https://e.com/t) | P\n"
    )
    assert issue.intro == "本期为 AI 简报 3 期，开工大吉~"
    assert issue.stats_line == "本文一共 900 字，通篇阅读结束需要 1~3 分钟"


def test_windows_line_endings_parse_like_unix_ones() -> None:
    assert parse_issue_markdown(GOLDEN_MARKDOWN.replace("\n", "\r\n")) == GOLDEN_ISSUE


# --- parsing: errors --------------------------------------------------------------------

HEADING = "# 1. [T](https://e.com/t) | P"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("", 1, "empty"),
        ("  \n\n", 1, "empty"),
        ("[TOC]\n\n今天的新闻\n", 3, "intro blockquote"),
        ("> 本期新闻\n\n" + HEADING + "\n", 1, "导读"),
        (INTRO + "多余的文字\n\n" + HEADING + "\n", 3, "between the intro"),
        (INTRO + "# 1. 没有链接的标题\n\n# 2. 其他\n", 3, "| publication"),
        (INTRO + "# 1. [T](https://e.com/t)\n", 3, "| publication"),
        (INTRO + "# Title\n", 3, "| publication"),
        (INTRO + "# 1. [ ](https://e.com/t) | P\n", 3, "| publication"),
        (INTRO + HEADING + "\n\n# 3. [U](https://e.com/u) | P\n", 5, "numbered 3, expected 2"),
        (INTRO + HEADING + "\n\n# 3. 其他\n", 5, "numbered 3, expected 2"),
        (INTRO + HEADING + "\n\n# 2. 其他\n\n- 没有链接\n", 7, "others list"),
        (INTRO + HEADING + "\n\n# 2. 其他\n\n# 3. [U](https://e.com/u) | P\n", 5, "last section"),
        (INTRO + HEADING + "\n\n```python\n# 2. [U](https://e.com/u) | P\n", 5, "never closed"),
    ],
)
def test_malformed_input_raises_house_style_error_at_the_offending_line(
    text: str, line: int, fragment: str
) -> None:
    with pytest.raises(HouseStyleError) as caught:
        parse_issue_markdown(text)
    assert caught.value.line == line
    assert fragment in caught.value.message
    assert str(caught.value).startswith(f"line {line}: ")


def test_house_style_error_is_a_value_error() -> None:
    assert issubclass(HouseStyleError, ValueError)


# --- round trip property ---------------------------------------------------------------

# Single-line text, biased towards the characters the house-style syntax is made of.
_one_line = st.text(
    alphabet=st.one_of(
        st.sampled_from("|[]()《》!！“”\"'：:#>*_-~ \u3000"),
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
    ),
    min_size=1,
).filter(lambda text: text.strip() != "")
_urls = st.from_regex(r"https://[a-z]{1,8}\.(com|cn)/[A-Za-z0-9_\-/?=&%.]{0,16}", fullmatch=True)
_labels = st.from_regex(r"[A-Za-z\u4e00-\u9fff][A-Za-z0-9 \u4e00-\u9fff]{0,10}", fullmatch=True)
_summary_blocks = st.sampled_from(
    [
        "正文，含 **粗体** 和 `code`。",
        "```\n# comment, not a heading\n> not a quote\n```",
        "> 小编：评论 https://x.org/",
        "![](https://img.org/inner.png)",
        "1. 第一\n2. 第二",
    ]
)


_middles = st.lists(_summary_blocks, max_size=3)
_links = st.lists(st.builds(HouseLink, _labels.map(str.strip), _urls), max_size=3)
_images = st.one_of(st.just(""), _urls)


@st.composite
def _entries(draw: st.DrawFn) -> HouseEntry:
    # Summaries start and end with prose: a leading image or links-only quote would read
    # back as the lead image or links block, which is the same document but not the same data.
    middle = draw(_middles)
    summary = "\n\n".join(["开头。", *middle, "结尾。"])
    links = draw(_links)
    return HouseEntry(
        title=draw(_one_line).strip(),
        url=draw(_urls),
        publication=draw(_one_line).strip(),
        image_url=draw(_images),
        summary=summary,
        related_links=links,
    )


@settings(max_examples=150, deadline=None)
@given(
    entries=st.lists(_entries(), max_size=3),
    others=st.lists(
        st.builds(HouseOther, _one_line.map(str.strip), _urls, _one_line.map(str.strip)),
        max_size=3,
    ),
)
def test_parse_reads_back_exactly_what_render_wrote(
    entries: list[HouseEntry], others: list[HouseOther]
) -> None:
    issue = HouseIssue(intro="本期为 AI 简报 1 期", stats_line="", entries=entries, others=others)
    text = render_issue_markdown(issue)
    assert parse_issue_markdown(text) == issue


# --- intro identity ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("intro", "identity"),
    [
        ("本期为 AI 简报 20210219 期，将为您带来 8 条相关新闻", ("AI 简报", "20210219")),
        ("本期为AI简报20210305期", ("AI简报", "20210305")),
        ("本期为 嵌入式周刊 第 12 期。", ("嵌入式周刊", "12")),
        ("新春过后第一弹，开工大吉~", None),
        ("", None),
    ],
)
def test_intro_identity_names_the_series_and_issue_number(
    intro: str, identity: tuple[str, str] | None
) -> None:
    assert parse_intro_identity(intro) == identity


# --- reading stats --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "characters"),
    [
        ("使用JAX，Numpy运算", 6),  # 使用 + JAX + Numpy + 运算: words, not letters
        ("在 2020 年 12 月举行", 7),  # numbers count as one word each
        ("MIT 的 6.S191 课程，速度 3.9s。", 8),  # inner dots join a word
        ("Hello, world! It's state-of-the-art, snake_case.", 5),
        ("「存储墙」，即……差距。", 6),  # CJK punctuation is not counted
        ("链接：https://pan.baidu.com/s/1K1D 提取码：w41p", 6),
        ("![](https://img.org/a.png)\n\n![图](https://img.org/b.png)", 0),
        ("[原文](https://o.org/very/long/path) | 机器之心", 6),
        ("# 1. **粗体** _斜体_\n\n> - 列表\n\n1. 编号", 9),  # list markers are syntax
        ("[TOC]\n\n> 本文一共 2760 字，通篇阅读结束需要 6~10 分钟", 0),
        ("```python\nx = np.zeros(3)  # 注释\n```", 5),  # x, np.zeros, 3, 注, 释
    ],
)
def test_count_characters_counts_cjk_ideographs_and_latin_words(
    markdown: str, characters: int
) -> None:
    assert count_characters(markdown) == characters


@pytest.mark.parametrize(
    ("characters", "minutes"),
    [(0, (1, 2)), (299, (1, 2)), (301, (1, 2)), (600, (1, 2)), (1000, (2, 4)), (2760, (5, 10))],
)
def test_reading_minutes_spans_fast_and_slow_readers(
    characters: int, minutes: tuple[int, int]
) -> None:
    assert reading_minutes(characters) == minutes


def test_stats_line_states_count_and_reading_range() -> None:
    assert stats_line("使用JAX，Numpy运算") == "本文一共 6 字，通篇阅读结束需要 1~2 分钟"


@pytest.mark.parametrize("characters", range(0, 5000, 37))
def test_reading_range_is_never_degenerate(characters: int) -> None:
    fast, slow = reading_minutes(characters)
    assert 1 <= fast < slow


@pytest.mark.parametrize(
    ("template", "values", "expected"),
    [
        (
            "本期为 {digest} {number} 期，将为您带来 {count} 条相关新闻，",
            {"digest": "AI 简报", "number": "20261201", "count": "3"},
            "本期为 AI 简报 20261201 期，将为您带来 3 条相关新闻。",
        ),
        (
            "本期为 {digest} {number} 期，将为您带来 {count} 条相关新闻，",
            {"digest": "", "number": "7", "count": "3"},
            "本期为 7 期，将为您带来 3 条相关新闻。",
        ),
        ("{digest}：本周精选", {"digest": ""}, "本周精选"),
        ("This week in {digest},", {"digest": "AI"}, "This week in AI."),
        ("保留 {other} 与 {count}", {"count": "2"}, "保留 {other} 与 2"),
    ],
)
def test_fill_intro(template: str, values: dict[str, str], expected: str) -> None:
    assert fill_intro(template, values) == expected


def test_an_unfinished_intro_keeps_its_comma_for_the_editor_to_go_on() -> None:
    assert fill_intro("带来 {count} 条新闻，", {"count": "1"}, finished=False) == "带来 1 条新闻，"


def test_stats_line_is_stable_once_written_into_the_issue() -> None:
    issue = dataclasses.replace(GOLDEN_ISSUE, stats_line="")
    first = stats_line(render_issue_markdown(issue))
    issue.stats_line = first
    assert stats_line(render_issue_markdown(issue)) == first
