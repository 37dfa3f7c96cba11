"""Round trip of the real seed issue (read from ../shared at test time, never copied here).

The seed is written by hand, so a rendered copy differs from it only where the house
style allows: canonical URLs, whitespace, and where an entry's related-links block sits.
Everything else must come back character for character.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from articles.canonical import canonicalize_url
from digest.housestyle import (
    HouseIssue,
    HouseLink,
    count_characters,
    parse_intro_identity,
    parse_issue_markdown,
    reading_minutes,
    render_issue_markdown,
    stats_line,
)
from tests.support.housestyle_diff import assert_house_equivalent

pytestmark = pytest.mark.shared

URL = re.compile(r"https?://")
IMAGE = re.compile(r"!\[[^\]]*\]\(")
FENCE = re.compile(r"^```", re.MULTILINE)


@pytest.fixture(scope="module")
def seed_text(seed_path: Path) -> str:
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_issue(seed_text: str) -> HouseIssue:
    return parse_issue_markdown(seed_text)


def canonical_issue(issue: HouseIssue) -> HouseIssue:
    """The parsed issue with every stored URL canonical, as the importer keeps it."""
    entries = [
        replace(
            entry,
            url=canonicalize_url(entry.url),
            related_links=[
                HouseLink(link.label, canonicalize_url(link.url)) for link in entry.related_links
            ],
        )
        for entry in issue.entries
    ]
    others = [replace(other, url=canonicalize_url(other.url)) for other in issue.others]
    return replace(issue, entries=entries, others=others)


def test_seed_round_trips_through_parse_and_render(seed_text: str, seed_issue: HouseIssue) -> None:
    rendered = render_issue_markdown(canonical_issue(seed_issue))
    assert_house_equivalent(rendered, seed_text, sections=1 + 8 + 1)


def test_rendered_seed_keeps_every_url_image_code_block_and_link(
    seed_text: str, seed_issue: HouseIssue
) -> None:
    rendered = render_issue_markdown(seed_issue)
    assert (len(seed_issue.entries), len(seed_issue.others)) == (8, 4)
    assert len(IMAGE.findall(rendered)) == len(IMAGE.findall(seed_text)) == 10
    assert len(FENCE.findall(rendered)) == len(FENCE.findall(seed_text)) == 4
    assert len(URL.findall(rendered)) == len(URL.findall(seed_text))
    related = [link for entry in seed_issue.entries for link in entry.related_links]
    assert len(related) == 10
    assert rendered.endswith("| CVer\n")


def test_seed_entries_split_into_lead_image_summary_and_links(seed_issue: HouseIssue) -> None:
    entries = seed_issue.entries
    assert entries[0].publication == "边缘智能实验室"
    assert entries[0].related_links == []  # the pan.baidu.com line is summary text
    assert entries[0].summary.endswith("提取码：w41p")
    assert [link.label for link in entries[1].related_links] == ["原文链接"]
    assert [link.label for link in entries[2].related_links] == ["测试地址", "Github", "数据集地址"]
    assert entries[3].summary.startswith("我们知道")  # links block before the summary
    assert entries[4].title.endswith("| AAAI 2021 开源")
    assert entries[4].image_url == ""  # its only image comes after text
    assert "![](https://gitee.com/" in entries[4].summary
    assert entries[4].related_links[1].url == "https://github.com/FuxiCV/MeInGame"
    assert "> 1 loop, best of 3: 3.9 s per loop" in entries[5].summary
    assert "import numpy as np" in entries[5].summary
    assert entries[6].related_links == []  # link plus commentary is part of the summary
    assert entries[6].summary.startswith("> 课程主页：http://introtodeeplearning.com/\n>\n> 小编：")
    assert entries[7].summary.count("![](") == 2
    assert all(entry.image_url.startswith("https://gitee.com/") for entry in entries[:4])
    assert seed_issue.others_heading == "其他"
    assert seed_issue.others[1].title.startswith("前沿|")
    assert seed_issue.others[1].publication == "机器人大讲堂"


def test_rendered_seed_parses_back_to_the_same_issue(seed_issue: HouseIssue) -> None:
    rendered = render_issue_markdown(seed_issue)
    assert parse_issue_markdown(rendered) == seed_issue
    assert render_issue_markdown(parse_issue_markdown(rendered)) == rendered


def test_seed_intro_names_the_digest_and_keeps_its_stats_line(seed_issue: HouseIssue) -> None:
    assert parse_intro_identity(seed_issue.intro) == ("AI 简报", "20210219")
    assert seed_issue.stats_line == "本文一共 2760 字，通篇阅读结束需要 6~10 分钟"


def test_seed_reading_stats_count_words_not_letters(seed_text: str, seed_issue: HouseIssue) -> None:
    # The seed's own 2760 came from a tool counting every letter and CJK punctuation
    # mark; counting Latin words once and skipping punctuation gives fewer.
    characters = count_characters(seed_text)
    assert characters == 1939
    assert reading_minutes(characters) == (3, 7)
    assert count_characters(render_issue_markdown(seed_issue)) == characters
    assert stats_line(seed_text) == "本文一共 1939 字，通篇阅读结束需要 3~7 分钟"
