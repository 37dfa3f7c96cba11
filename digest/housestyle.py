"""The digest's house-style Markdown: parse it into plain data, render it back, count it.

Pure functions, no I/O and no Django models, so importers, editors, exports and tests
share one definition of the format. An issue looks like::

    [TOC]

    > 导读： 本期为 AI 简报 20210219 期，...
    >
    > 本文一共 2760 字，通篇阅读结束需要 6~10 分钟

    # 1. [title](url) | publication

    ![](lead image url)

    summary: free Markdown (paragraphs, code, quotes, lists, images)

    > 原文链接：https://...

    # 2. 其他

    - [title](url) | publication

Parsing is lenient where nothing is lost (an optional ``[TOC]``, a links block before the
summary, compact or spaced link lists) and strict where guessing would lose text
(malformed headings, numbering, unclosed code fences): those raise HouseStyleError.

parse_issue_markdown(render_issue_markdown(issue)) == issue, except for an issue whose
summary itself starts with an `![](url)` (no lead image set) or starts or ends with a
links-only quote (no related links set): the text is the same, and reads back as the
lead image or the links block. render_issue_markdown raises ValueError rather than
write a field that would read back differently (a title with a newline, a summary with
a top-level `# ` heading, a link label with a colon, an empty publication).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

from digest.commonmark import Structure, UnclosedFence, structure

__all__ = [
    "HouseEntry",
    "HouseIssue",
    "HouseLink",
    "HouseOther",
    "HouseStyleError",
    "count_characters",
    "fill_intro",
    "parse_intro_identity",
    "parse_issue_markdown",
    "reading_minutes",
    "render_issue_markdown",
    "stats_line",
]

TOC_MARKER = "[TOC]"
INTRO_LABEL = "导读："
DEFAULT_LINK_LABEL = "原文链接"
DEFAULT_OTHERS_HEADING = "其他"
# Reading speed range, in counted characters a minute (see count_characters).
FAST_READER_PER_MINUTE = 500
SLOW_READER_PER_MINUTE = 300


@dataclass
class HouseLink:
    """A related link of an entry: `label：url` in the links block."""

    label: str
    url: str


@dataclass
class HouseEntry:
    """One numbered entry; summary is Markdown as written, minus lead image and links."""

    title: str
    url: str
    publication: str
    image_url: str = ""
    summary: str = ""
    related_links: list[HouseLink] = field(default_factory=list)


@dataclass
class HouseOther:
    """One item of the closing 其他 list: a link without a summary."""

    title: str
    url: str
    publication: str


@dataclass
class HouseIssue:
    """A whole issue; stats_line is '' when the intro has none."""

    intro: str
    stats_line: str
    entries: list[HouseEntry]
    others: list[HouseOther]
    others_heading: str = DEFAULT_OTHERS_HEADING


class HouseStyleError(ValueError):
    """Malformed house-style Markdown; `line` is 1-based so editors can jump to it."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


# --- syntax -------------------------------------------------------------------------

# A URL may contain one level of balanced parentheses (Wikipedia style), never spaces.
_URL_TARGET = r"(?P<url>(?:[^\s()]|\([^\s()]*\))+)"
# Greedy title: a title may itself contain `]`, `|` or `](`; the last `](url)` wins.
_LINK = rf"\[(?P<title>.+)\]\({_URL_TARGET}\)"
_PUBLICATION = r"\s*\|\s*(?P<publication>\S.*?)\s*"
_ENTRY_HEADING = re.compile(rf"#\s+(?P<number>\d+)\.\s+{_LINK}{_PUBLICATION}")
_SECTION_HEADING = re.compile(r"#\s+(?P<number>\d+)\.\s+(?P<text>[^\s\[].*?)\s*")
_OTHER_ITEM = re.compile(rf"[-*+]\s+{_LINK}{_PUBLICATION}")
_LEAD_IMAGE = re.compile(rf" {{0,3}}!\[\s*\]\({_URL_TARGET}\)\s*")
_FENCE = re.compile(r" {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)")
_QUOTE = re.compile(r" {0,3}>")
_BARE_URL = re.compile(r"https?://\S+")
# `label：url` or `label：` (the URL on a following line), optionally as a list item.
_LABELLED = re.compile(r"(?:[-*+]\s+)?(?P<label>[^：:\s][^：:]*?)\s*[：:]\s*(?P<url>https?://\S+)?")
# What a link label may be so that `label：url` reads back as the same label.
_LABEL = re.compile(r"(?![-*+]\s)[^：:\s][^：:\n]*")
_STATS = re.compile(
    r"本文一共\s*\d+\s*字\s*[，,]\s*通篇阅读结束需要\s*\d+\s*[~～\-]\s*\d+\s*分钟\s*[。.]?"
)
_INTRO_IDENTITY = re.compile(r"本期为\s*(?P<name>\S.*?)\s*(?:第\s*)?(?P<number>\d+)\s*期")


def _is_blank(line: str) -> bool:
    return not line.strip()


def _is_quote(line: str) -> bool:
    return _QUOTE.match(line) is not None


def _quote_content(line: str) -> str:
    """The text of a blockquote line without its `>` marker and the one space after it."""
    rest = line.lstrip(" ")[1:]
    return rest[1:] if rest.startswith(" ") else rest


def _structure(lines: list[str]) -> Structure:
    """Code, headings and quotes of the document, from the project's CommonMark parser."""
    try:
        return structure("\n".join(lines))
    except UnclosedFence as error:
        raise HouseStyleError(error.line + 1, "code fence is never closed") from None


# --- parsing ------------------------------------------------------------------------


@dataclass
class _Span:
    """Lines [start, end) of the document (0-based indexes) with their code mask."""

    lines: list[str]
    code: tuple[bool, ...]
    quoted: tuple[bool, ...]
    start: int
    end: int

    def next_content(self, index: int) -> int:
        while index < self.end and _is_blank(self.lines[index]):
            index += 1
        return index

    def last_content(self) -> int:
        index = self.end - 1
        while index >= self.start and _is_blank(self.lines[index]):
            index -= 1
        return index

    def quote_end(self, index: int) -> int:
        """End of the blockquote group starting at index: consecutive `>` lines."""
        while index < self.end and self.is_quote(index):
            index += 1
        return index

    def quote_start(self, index: int) -> int:
        """Start of the blockquote group ending (inclusive) at index."""
        while index > self.start and self.is_quote(index - 1):
            index -= 1
        return index

    def is_quote(self, index: int) -> bool:
        """A `>` line of a top-level blockquote (lazy continuation lines are not links)."""
        return self.quoted[index] and _is_quote(self.lines[index])


def _parse_links(quote_lines: list[str]) -> list[HouseLink] | None:
    """The links of a blockquote made only of `label：URL` items, else None (summary text).

    Accepts one link per line, `- label：URL`, and the list form where the URL follows
    its label on a later (indented) line. Any other text, a label without its URL or a URL
    without a label means the quote is part of the summary.
    """
    links: list[HouseLink] = []
    pending_label: str | None = None
    for raw in quote_lines:
        text = _quote_content(raw).strip()
        if not text:
            continue
        if pending_label is not None:
            if not _BARE_URL.fullmatch(text):
                return None
            links.append(HouseLink(pending_label, text))
            pending_label = None
            continue
        match = _LABELLED.fullmatch(text)
        if match is None:
            return None
        if match["url"]:
            links.append(HouseLink(match["label"], match["url"]))
        else:
            pending_label = match["label"]
    if pending_label is not None or not links:
        return None
    return links


def _block_text(lines: list[str]) -> str:
    """Lines joined as written, without blank lines or trailing whitespace at either end."""
    return "\n".join(lines).strip("\n").rstrip()


def _parse_entry_body(span: _Span) -> tuple[str, str, list[HouseLink]]:
    """Lead image, summary and related links of an entry body.

    The related-links block is a links-only blockquote that is the last content of the
    entry (house style) or, failing that, its first content (before or after the lead
    image). The lead image is an `![](url)` that is the first content, ignoring a links
    block; anything else belongs to the summary verbatim.
    """
    links: list[HouseLink] = []
    start, end = span.next_content(span.start), span.last_content() + 1
    if start < end and span.is_quote(end - 1):
        group_start = span.quote_start(end - 1)
        found = _parse_links(span.lines[group_start:end])
        if found is not None:
            links, end = found, group_start
    image_url = ""
    while start < end:
        line = span.lines[start]
        if not links and span.is_quote(start):
            group_end = min(span.quote_end(start), end)
            found = _parse_links(span.lines[start:group_end])
            if found is None:
                break
            links, start = found, span.next_content(group_end)
            continue
        image = _LEAD_IMAGE.fullmatch(line)
        if not image_url and not span.code[start] and image:
            image_url, start = image["url"], span.next_content(start + 1)
            continue
        break
    summary = _block_text(span.lines[start:end]) if start < end else ""
    return image_url, summary, links


def _parse_preamble(span: _Span) -> tuple[str, str]:
    """Intro text and stats line from what precedes the first heading."""
    index = span.next_content(span.start)
    if index < span.end and span.lines[index].strip() == TOC_MARKER:
        index = span.next_content(index + 1)
    if index >= span.end or not span.is_quote(index):
        raise HouseStyleError(index + 1, f"expected the intro blockquote `> {INTRO_LABEL}...`")
    group_end = span.quote_end(index)
    contents = [_quote_content(line).rstrip() for line in span.lines[index:group_end]]
    stats = ""
    intro_lines: list[str] = []
    for content in contents:
        if not stats and _STATS.fullmatch(content.strip()):
            stats = content.strip()
        else:
            intro_lines.append(content)
    intro = _block_text(intro_lines).lstrip()
    if not intro.startswith(INTRO_LABEL) and not intro.startswith("导读:"):
        raise HouseStyleError(index + 1, f"the intro must start with `> {INTRO_LABEL}`")
    rest = span.next_content(group_end)
    if rest < span.end:
        raise HouseStyleError(rest + 1, "unexpected text between the intro and the first entry")
    return intro[len(INTRO_LABEL) :].strip(), stats


def _parse_others(span: _Span) -> list[HouseOther]:
    others: list[HouseOther] = []
    for index in range(span.start, span.end):
        line = span.lines[index]
        if _is_blank(line):
            continue
        match = _OTHER_ITEM.fullmatch(line.rstrip())
        if match is None or not match["title"].strip():
            raise HouseStyleError(
                index + 1, "expected an item `- [title](url) | publication` in the others list"
            )
        others.append(
            HouseOther(match["title"].strip(), match["url"], match["publication"].strip())
        )
    return others


def _parse_heading(line: str, line_no: int, expected: int, *, last: bool) -> re.Match[str]:
    """An entry heading numbered `expected`, or, for the last heading only, the others one."""
    text = line.rstrip()
    entry = _ENTRY_HEADING.fullmatch(text)
    match = entry or _SECTION_HEADING.fullmatch(text)
    if match is None or (entry is not None and not entry["title"].strip()):
        raise HouseStyleError(line_no, "expected a heading `# N. [title](url) | publication`")
    if entry is None and not last:
        raise HouseStyleError(
            line_no,
            "expected a heading `# N. [title](url) | publication`; "
            "only the last section (其他) may have a plain heading",
        )
    if int(match["number"]) != expected:
        message = f"heading is numbered {match['number']}, expected {expected}"
        raise HouseStyleError(line_no, message)
    return match


def parse_issue_markdown(text: str) -> HouseIssue:
    """Parse a house-style issue; raises HouseStyleError with a line number if malformed."""
    if not text.strip():
        raise HouseStyleError(1, "the document is empty")
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = _structure(lines)
    bounds = [*found.top_headings, len(lines)]
    intro, stats = _parse_preamble(_Span(lines, found.code, found.quoted, 0, bounds[0]))
    issue = HouseIssue(intro=intro, stats_line=stats, entries=[], others=[])
    for heading, next_heading in itertools.pairwise(bounds):
        last = next_heading == len(lines)
        match = _parse_heading(lines[heading], heading + 1, len(issue.entries) + 1, last=last)
        body = _Span(lines, found.code, found.quoted, heading + 1, next_heading)
        if match.re is _SECTION_HEADING:
            issue.others_heading, issue.others = match["text"], _parse_others(body)
            continue
        image_url, summary, links = _parse_entry_body(body)
        issue.entries.append(
            HouseEntry(
                title=match["title"].strip(),
                url=match["url"],
                publication=match["publication"].strip(),
                image_url=image_url,
                summary=summary,
                related_links=links,
            )
        )
    return issue


def is_stats_line(text: str) -> bool:
    """Whether `text` is a stats line in the house format (本文一共 N 字，…需要 a~b 分钟)."""
    return _STATS.fullmatch(text.strip()) is not None


# A placeholder with the single spaces around it, so an empty value can take them along.
_PLACEHOLDER = re.compile(r"(?P<before> ?)\{(?P<name>digest|number|count)\}(?P<after> ?)")
# Clause punctuation that only makes sense with more text after it.
_DANGLING = "，、；：,;:"
_CJK_BEFORE_END = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]$")


def fill_intro(template: str, values: dict[str, str], *, finished: bool = True) -> str:
    """An intro with {digest}, {number} and {count} filled; other braces are the editor's.

    An empty value takes a space beside it along, so "本期为 {digest} 期" never reads
    "本期为  期" with two spaces. A `finished` intro does not end on a comma: the default
    template ends "…条相关新闻，" for the editor to go on, and one who doesn't gets "。".
    """

    def fill(match: re.Match[str]) -> str:
        value = values.get(match["name"], "")
        if value:
            return f"{match['before']}{value}{match['after']}"
        return " " if match["before"] and match["after"] else ""

    text = _PLACEHOLDER.sub(fill, template).strip()
    if text[:1] in _DANGLING and text[:1] not in template.strip()[:1]:
        text = text.lstrip(_DANGLING + " ")  # "{digest}：…" with no digest name
    if finished and text and text[-1] in _DANGLING:
        text = text[:-1] + ("。" if _CJK_BEFORE_END.search(text[:-1]) else ".")
    return text


def parse_intro_identity(intro: str) -> tuple[str, str] | None:
    """Series name and issue number from "本期为 AI 简报 20210219 期，...", or None."""
    match = _INTRO_IDENTITY.search(intro)
    if match is None:
        return None
    return match["name"], match["number"]


# --- rendering ----------------------------------------------------------------------


def _check_single_line(value: str, what: str) -> None:
    if not value.strip():
        raise ValueError(f"{what} is empty")
    if "\n" in value or "\r" in value:
        raise ValueError(f"{what} spans several lines: {value!r}")


def _check_url(url: str, what: str) -> None:
    _check_single_line(url, what)
    if re.fullmatch(_URL_TARGET, url) is None:
        raise ValueError(f"{what} cannot be written as a Markdown link target: {url!r}")


def _check_summary(summary: str, what: str) -> None:
    """A summary must not contain what would end its entry when parsed back."""
    try:
        found = _structure(summary.split("\n"))
    except HouseStyleError as error:
        raise ValueError(f"{what}: {error}") from None
    if found.top_headings:
        raise ValueError(f"{what} contains a top-level `# ` heading outside code")


def _render_intro(issue: HouseIssue) -> str:
    intro_lines = issue.intro.strip().split("\n")
    lines = [f"> {INTRO_LABEL} {intro_lines[0]}".rstrip()]
    lines += [f"> {line}".rstrip() for line in intro_lines[1:]]
    if issue.stats_line:
        if _STATS.fullmatch(issue.stats_line.strip()) is None:
            raise ValueError(f"stats line is not in the house format: {issue.stats_line!r}")
        lines += [">", f"> {issue.stats_line.strip()}"]
    return "\n".join(lines)


def _render_links(links: list[HouseLink], what: str) -> str:
    """One link inline (`> label：URL`), several as the spaced list; '' label: 原文链接."""
    labelled: list[tuple[str, str]] = []
    for link in links:
        label = link.label.strip() or DEFAULT_LINK_LABEL
        if _LABEL.fullmatch(label) is None:
            raise ValueError(f"{what} link label cannot be written as `label：`: {link.label!r}")
        if _BARE_URL.fullmatch(link.url) is None:
            raise ValueError(f"{what} link url is not a bare http(s) URL: {link.url!r}")
        labelled.append((label, link.url))
    if len(labelled) == 1:
        return f"> {labelled[0][0]}：{labelled[0][1]}"
    return "\n>\n".join(f"> - {label}：\n>\n>     {url}" for label, url in labelled)


def _render_entry(number: int, entry: HouseEntry) -> str:
    what = f"entry {number}"
    _check_single_line(entry.title, f"{what} title")
    _check_url(entry.url, f"{what} url")
    _check_single_line(entry.publication, f"{what} publication")
    blocks = [f"# {number}. [{entry.title.strip()}]({entry.url}) | {entry.publication.strip()}"]
    if entry.image_url:
        _check_url(entry.image_url, f"{what} image url")
        blocks.append(f"![]({entry.image_url})")
    summary = _block_text(entry.summary.split("\n"))
    if summary:
        _check_summary(summary, f"{what} summary")
        blocks.append(summary)
    if entry.related_links:
        blocks.append(_render_links(entry.related_links, what))
    return "\n\n".join(blocks)


def _render_others(number: int, heading: str, others: list[HouseOther]) -> str:
    if _SECTION_HEADING.fullmatch(f"# {number}. {heading.strip()}") is None:
        raise ValueError(f"others heading cannot be written as `# N. text`: {heading!r}")
    items = []
    for position, other in enumerate(others, start=1):
        what = f"others item {position}"
        _check_single_line(other.title, f"{what} title")
        _check_url(other.url, f"{what} url")
        _check_single_line(other.publication, f"{what} publication")
        items.append(f"- [{other.title.strip()}]({other.url}) | {other.publication.strip()}")
    return "\n\n".join([f"# {number}. {heading.strip()}", *items])


def render_issue_markdown(issue: HouseIssue) -> str:
    """The issue in exact house style; parse_issue_markdown reads it back unchanged.

    Related links always follow the summary; raises ValueError for a field that cannot
    be written without changing the document's structure (e.g. a title with a newline).
    """
    blocks = [TOC_MARKER, _render_intro(issue)]
    blocks += [_render_entry(n, entry) for n, entry in enumerate(issue.entries, start=1)]
    if issue.others:
        heading = issue.others_heading or DEFAULT_OTHERS_HEADING
        blocks.append(_render_others(len(issue.entries) + 1, heading, issue.others))
    return "\n\n".join(blocks) + "\n"


# --- reading stats ------------------------------------------------------------------

# CJK ideographs (unified, extension A, compatibility, supplementary planes), kana and
# Hangul syllables: each counts as one character, as Chinese word counts do.
_CJK_CHARS = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff\u3040-\u30ff\uac00-\ud7af"
)
# A Latin word or number, letters and digits in any non-CJK script, with inner joiners:
# "6.S191", "3.9s", "don't", "state-of-the-art", "np.float32", "snake_case" count once each.
_WORD_CHAR = rf"[^\W_{_CJK_CHARS}]"
_COUNTED = re.compile(rf"[{_CJK_CHARS}]|{_WORD_CHAR}+(?:[.'’_\-]{_WORD_CHAR}+)*")
_IMAGE = re.compile(r"!\[[^\]]*\]\((?:[^\s()]|\([^\s()]*\))*\)")
_LINK_TEXT = re.compile(r"\[([^\]]*)\]\((?:[^\s()]|\([^\s()]*\))*\)")
_AUTOLINK = re.compile(r"<https?://[^>\s]*>")
# URLs are ASCII; stopping at the first non-ASCII character keeps the Chinese after one.
_VISIBLE_URL = re.compile(r"https?://[!-~]+")
_BLOCK_MARKERS = re.compile(r"^\s*(?:>\s?)*\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+)?")


def _visible_text(markdown: str) -> str:
    """The text a reader sees: no URLs, images, [TOC], stats line or block markers."""
    kept: list[str] = []
    for line in markdown.replace("\r\n", "\n").split("\n"):
        if _FENCE.match(line):
            continue  # the fence and its info string ("python") are not shown
        text = _BLOCK_MARKERS.sub("", line, count=1)
        if text.strip() == TOC_MARKER or _STATS.fullmatch(text.strip()):
            continue
        text = _IMAGE.sub(" ", text)
        text = _LINK_TEXT.sub(r" \1 ", text)
        text = _AUTOLINK.sub(" ", text)
        kept.append(_VISIBLE_URL.sub(" ", text))
    return "\n".join(kept)


def count_characters(markdown: str) -> int:
    """Characters as Chinese readers count 字: one per CJK ideograph, one per Latin word.

    Punctuation and Markdown syntax are not counted, nor URLs, images, ``[TOC]`` or the
    stats line itself (so recounting a rendered issue gives the same figure). Code in
    fenced blocks is counted like prose, word by word, since readers read it too; the
    fence lines and their language tag are not.
    """
    return len(_COUNTED.findall(_visible_text(markdown)))


def reading_minutes(characters: int) -> tuple[int, int]:
    """Minutes for a fast (500/min, at least 1) and a slow (300/min) reader.

    The slow figure is always above the fast one: a range that reads "1~1" is no range.
    """
    fast = max(1, characters // FAST_READER_PER_MINUTE)
    slow = max(fast + 1, math.ceil(characters / SLOW_READER_PER_MINUTE))
    return fast, slow


def stats_line(markdown: str) -> str:
    """The intro's stats line for a document: "本文一共 N 字，通篇阅读结束需要 a~b 分钟"."""
    characters = count_characters(markdown)
    fast, slow = reading_minutes(characters)
    return f"本文一共 {characters} 字，通篇阅读结束需要 {fast}~{slow} 分钟"
