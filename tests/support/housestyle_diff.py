"""Comparing a rendered house-style issue with a hand-written one.

Hand-written issues differ from a rendered copy only where the house style allows:
canonical URLs, whitespace, and where an entry's related-links block sits.
"""

from __future__ import annotations

import itertools
import re

from articles.canonical import canonicalize_url

SECTION_HEADING = re.compile(r"^# \d+\. ", re.MULTILINE)
# A link target that is not an image: images may keep their URL as written.
LINK_TARGET = re.compile(r"(?<!!)(\[[^\n]*?\]\()(https?://[^\s()]+)(\))")
QUOTE_LABEL = re.compile(r">\s*(?:-\s+)?(?P<label>[^：:\n]+?)\s*[：:]\s*(?P<url>https?://\S+)?\s*")
QUOTE_URL = re.compile(r">\s*(?P<url>https?://\S+)\s*")


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


def assert_house_equivalent(rendered: str, hand_written: str, *, sections: int) -> None:
    """Section by section, equal up to canonical URLs, whitespace and links-block place."""
    expected = split_sections(canonical_link_targets(hand_written))
    actual = split_sections(rendered)
    assert len(actual) == len(expected) == sections
    assert normalise_whitespace(actual[0]) == normalise_whitespace(expected[0])
    for number, (mine, theirs) in enumerate(zip(actual[1:], expected[1:], strict=True), 1):
        text, links = without_links_blocks(mine)
        seed_part, seed_links = without_links_blocks(theirs)
        assert text == seed_part, f"section {number} differs"
        assert links == seed_links, f"section {number} links differ"
