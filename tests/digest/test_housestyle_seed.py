"""Round trip of the real seed issue (read from ../shared at test time, never copied here).

The seed is written by hand, so a rendered copy differs from it only where the house
style allows: canonical URLs, whitespace, and where an entry's related-links block sits.
Everything else must come back character for character.
"""

from __future__ import annotations

import itertools
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

pytestmark = pytest.mark.shared

SECTION_HEADING = re.compile(r"^# \d+\. ", re.MULTILINE)
# A link target that is not an image: images may keep their URL as written.
LINK_TARGET = re.compile(r"(?<!!)(\[[^\n]*?\]\()(https?://[^\s()]+)(\))")
QUOTE_LABEL = re.compile(r">\s*(?:-\s+)?(?P<label>[^：:\n]+?)\s*[：:]\s*(?P<url>https?://\S+)?\s*")
QUOTE_URL = re.compile(r">\s*(?P<url>https?://\S+)\s*")
URL = re.compile(r"https?://")
IMAGE = re.compile(r"!\[[^\]]*\]\(")
FENCE = re.compile(r"^```", re.MULTILINE)


@pytest.fixture(scope="module")
def seed_text(seed_path: Path) -> str:
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_issue(seed_text: str) -> HouseIssue:
    return parse_issue_markdown(seed_text)


def normalise_whitespace(text: str) -> str:
    """The one place the round trip forgives whitespace, applied to both sides.

    Trailing spaces, runs of spaces after text, spaces just inside `[ ]` and around `|`,
    `>`-only lines (a blank line inside a quote) and runs of blank lines don't change what
    a reader sees, and hand-written issues are inconsistent about them.
    """
    lines = []
    for raw in text.split("\n"):
        line = raw.rstrip()
        line = "" if line == ">" else line
        line = re.sub(r"(?<=\S) {2,}", " ", line)
        line = re.sub(r"\[\s+", "[", line)
        line = re.sub(r"\s+\]", "]", line)
        line = re.sub(r"\s*\|\s*", " | ", line)
        lines.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


def canonical_link_targets(text: str) -> str:
    """The seed as the product stores it: every link target (not image) canonical."""
    return LINK_TARGET.sub(lambda m: m[1] + canonicalize_url(m[2]) + m[3], text)


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


def split_sections(text: str) -> list[str]:
    """The text before the first `# N.` heading, then one string per numbered section."""
    starts = [0, *(m.start() for m in SECTION_HEADING.finditer(text)), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(starts)]


def quote_links(quote: list[str]) -> list[tuple[str, str]] | None:
    """(label, url) pairs of a quote made only of `label：URL` items, else None."""
    pairs: list[tuple[str, str]] = []
    label = None
    for line in quote:
        if not line.strip(">").strip():
            continue
        if label is not None and (bare := QUOTE_URL.fullmatch(line)):
            pairs.append((label, bare["url"]))
            label = None
        elif label is None and (item := QUOTE_LABEL.fullmatch(line)):
            if item["url"]:
                pairs.append((item["label"], item["url"]))
            else:
                label = item["label"]
        else:
            return None
    return pairs if pairs and label is None else None


def without_links_blocks(section: str) -> tuple[str, list[tuple[str, str]]]:
    """The section minus its links-only quotes, and their (label, canonical url) pairs."""
    kept: list[str] = []
    pairs: list[tuple[str, str]] = []
    quote: list[str] = []
    for line in [*section.split("\n"), ""]:
        if line.startswith(">"):
            quote.append(line)
            continue
        if quote:
            found = quote_links(quote)
            if found is None:
                kept += quote
            else:
                pairs += [(label, canonicalize_url(url)) for label, url in found]
            quote = []
        kept.append(line)
    return normalise_whitespace("\n".join(kept)), pairs


def test_seed_round_trips_through_parse_and_render(seed_text: str, seed_issue: HouseIssue) -> None:
    rendered = render_issue_markdown(canonical_issue(seed_issue))
    expected = split_sections(canonical_link_targets(seed_text))
    actual = split_sections(rendered)
    assert len(actual) == len(expected) == 1 + 8 + 1
    assert normalise_whitespace(actual[0]) == normalise_whitespace(expected[0])
    for number, (mine, theirs) in enumerate(zip(actual[1:], expected[1:], strict=True), 1):
        text, links = without_links_blocks(mine)
        seed_part, seed_links = without_links_blocks(theirs)
        assert text == seed_part, f"section {number} differs"
        assert links == seed_links, f"section {number} links differ"


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
