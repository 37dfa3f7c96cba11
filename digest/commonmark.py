"""The one Markdown parser of the project, and the document structure read from its tokens.

Rendering (pages, feeds, the HTML export), the house-style importer and the Markdown
export all see the same CommonMark: markdown-it-py with the CJK-friendly rules, so bold
next to full-width punctuation (`**门槛不高。**部分`) is bold and a line break between two
Chinese characters is no space. Where the house-style format needs to know which lines
are code, headings or quotes, it asks `structure()` instead of guessing with regexes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from mdit_py_cjk_friendly import cjk_friendly

__all__ = ["Structure", "UnclosedFence", "new_parser", "parser", "structure"]


def new_parser() -> MarkdownIt:
    """CommonMark with tables, strikethrough and CJK-friendly emphasis and line breaks.

    Raw HTML is off: summaries come from editors and scraped pages alike. A caller that
    adds rules of its own (the renderer's bare-URL links) takes a parser of its own.
    """
    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": False})
    md.enable(["table", "strikethrough"])
    md.use(cjk_friendly)
    return md


@cache
def parser() -> MarkdownIt:
    """The shared parser, built once (building one costs more than parsing a summary)."""
    return new_parser()


class UnclosedFence(ValueError):
    """A code fence that runs to the end of the document; `line` is 0-based."""

    def __init__(self, line: int) -> None:
        super().__init__(f"code fence opened on line {line + 1} is never closed")
        self.line = line


@dataclass(frozen=True)
class Structure:
    """Per-line facts about a document, 0-based line indexes.

    `code`: lines of top-level fenced or indented code, fences included.
    `top_headings`: lines of `#` headings that are not inside a quote, list or code.
    `quoted`: lines inside a top-level blockquote (including lazy continuation lines).
    """

    code: tuple[bool, ...]
    top_headings: tuple[int, ...]
    quoted: tuple[bool, ...]


_CLOSING_FENCE = re.compile(r" {0,3}(?P<fence>`{3,}|~{3,})[ \t]*")


@cache
def block_parser() -> MarkdownIt:
    """The shared parser with inline parsing off: where blocks are needs only the blocks."""
    md = new_parser()
    md.disable(
        ["inline", "linkify", "replacements", "smartquotes", "text_join"], ignoreInvalid=True
    )
    return md


# An issue's summaries are read again on every render of it (export, stats line, preview)
# while the text is unchanged; the result is immutable, so it is kept per text.
@lru_cache(maxsize=4096)
def structure(text: str, *, strict_fences: bool = True) -> Structure:
    """Where the code, top-level headings and quotes of `text` are.

    With `strict_fences`, a top-level fence left open raises UnclosedFence: CommonMark
    would run it to the end of the document, silently swallowing every entry after it.
    """
    lines = text.split("\n")
    code = [False] * len(lines)
    quoted = [False] * len(lines)
    headings: list[int] = []
    for token in block_parser().parse(text):
        if token.map is None:
            continue
        start, end = token.map
        if token.type in ("fence", "code_block") and token.level == 0:
            for index in range(start, min(end, len(lines))):
                code[index] = True
            if strict_fences and token.type == "fence":
                _check_closed(lines, start, end, token.markup)
        elif token.type == "heading_open" and token.level == 0 and token.markup == "#":
            headings.append(start)
        elif token.type == "blockquote_open" and token.level == 0:
            for index in range(start, min(end, len(lines))):
                quoted[index] = True
    return Structure(code=tuple(code), top_headings=tuple(headings), quoted=tuple(quoted))


def _check_closed(lines: list[str], start: int, end: int, markup: str) -> None:
    last = end - 1
    if last > start and last < len(lines):
        match = _CLOSING_FENCE.fullmatch(lines[last])
        if match and match["fence"][0] == markup[0] and len(match["fence"]) >= len(markup):
            return
    raise UnclosedFence(start)
