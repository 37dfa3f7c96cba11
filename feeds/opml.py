"""OPML, the outline format feed readers exchange subscriptions in. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from lxml.etree import _Element as Element

# No DTDs, no entity expansion, no network: an OPML file is data from anyone.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)


class OPMLError(ValueError):
    pass


@dataclass(frozen=True)
class Outline:
    url: str
    title: str
    category: str  # the enclosing outline's title, used as the source name when there is none
    html_url: str = ""


def parse_opml(data: bytes) -> list[Outline]:
    """Every outline with an xmlUrl, in document order."""
    if b"<!ENTITY" in data.upper():
        raise OPMLError("The file declares XML entities, which OPML has no use for: refused.")
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as error:
        raise OPMLError(f"The file is not valid OPML: {error}") from None
    if not isinstance(root.tag, str) or root.tag.lower() != "opml" or root.find("body") is None:
        raise OPMLError("The file is not OPML: it has no <opml><body>.")
    found: list[Outline] = []

    def walk(node: Element, category: str) -> None:
        for child in node.findall("outline"):
            url = (child.get("xmlUrl") or child.get("xmlurl") or "").strip()
            title = (child.get("title") or child.get("text") or "").strip()
            if url:
                found.append(Outline(url, title, category, (child.get("htmlUrl") or "").strip()))
            walk(child, title or category)

    walk(root.find("body"), "")
    return found


def build_opml(outlines: list[Outline], *, title: str) -> bytes:
    """An OPML 2.0 document, feeds grouped under their category."""
    root = etree.Element("opml", version="2.0")
    etree.SubElement(etree.SubElement(root, "head"), "title").text = title
    body = etree.SubElement(root, "body")
    groups: dict[str, Element] = {}
    for outline in outlines:
        parent = body
        if outline.category:
            if outline.category not in groups:
                groups[outline.category] = etree.SubElement(
                    body, "outline", text=outline.category, title=outline.category
                )
            parent = groups[outline.category]
        attributes = {"type": "rss", "text": outline.title, "title": outline.title}
        attributes["xmlUrl"] = outline.url
        if outline.html_url:
            attributes["htmlUrl"] = outline.html_url
        etree.SubElement(parent, "outline", attributes)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)
