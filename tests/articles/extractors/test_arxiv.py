"""arXiv: the export API's Atom (error entry, empty feed, picking the entry) and the abs page."""

from __future__ import annotations

import pytest

from articles.extractors import NotAnArticle, RelatedLinkData, extract
from tests.articles.extractors.conftest import iso

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"
      xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <opensearch:totalResults>{total}</opensearch:totalResults>
  {entries}
</feed>"""
ENTRY = """<entry>
  <id>http://arxiv.org/abs/{id}</id>
  <published>2024-05-09T17:59:32Z</published>
  <updated>2024-06-01T10:00:00Z</updated>
  <title>{title}</title>
  <summary>  We release code at https://github.com/acme/tiny-model and a demo at
  https://huggingface.co/spaces/acme/tiny. </summary>
  <author>
    <name>Ada Lovelace</name><arxiv:affiliation>Analytical Engines</arxiv:affiliation>
  </author>
  <author><name>Alan Turing</name></author>
  <arxiv:comment>12 pages; project page: https://acme.example.org/tiny</arxiv:comment>
  <link href="http://arxiv.org/abs/{id}" rel="alternate" type="text/html"/>
  <link title="pdf" href="http://arxiv.org/pdf/{id}" rel="related" type="application/pdf"/>
  <arxiv:primary_category term="cs.CL"/>
  <category term="cs.CL"/><category term="cs.LG"/>
</entry>"""


def feed(*entries: tuple[str, str], total: int | None = None) -> bytes:
    body = "".join(ENTRY.format(id=i, title=t) for i, t in entries)
    return FEED.format(total=len(entries) if total is None else total, entries=body).encode()


def test_error_entry_raises_error() -> None:
    error = """<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.abc</id>
      <title>Error</title><summary>incorrect id format for 1234.abc</summary></entry>"""
    body = FEED.format(total=1, entries=error).encode()
    with pytest.raises(NotAnArticle) as raised:
        extract("https://arxiv.org/abs/2405.05966", body)
    assert raised.value.code == "error"
    assert "incorrect id format" in raised.value.message


def test_empty_feed_raises_not_found() -> None:
    with pytest.raises(NotAnArticle) as raised:
        extract("https://arxiv.org/abs/2405.99999", feed(total=0))
    assert raised.value.code == "not_found"


def test_entry_without_title_is_not_found() -> None:
    with pytest.raises(NotAnArticle) as raised:
        extract("https://arxiv.org/abs/2405.05966", feed(("2405.05966v1", "")))
    assert raised.value.code == "not_found"


def test_picks_the_entry_of_the_requested_id() -> None:
    body = feed(("2401.00001v1", "First"), ("2405.05966v2", "Wanted v2"), ("2405.05966v1", "v1"))
    assert extract("https://arxiv.org/abs/2405.05966v1", body).title == "v1"
    assert extract("https://arxiv.org/pdf/2405.05966", body).title == "Wanted v2"
    assert extract("https://arxiv.org/abs/2312.00000", body).title == "First"


def test_api_url_with_id_list_selects_the_entry() -> None:
    body = feed(("2401.00001v1", "First"), ("2405.05966v1", "Wanted"))
    url = "https://export.arxiv.org/api/query?id_list=2405.05966"
    assert extract(url, body).title == "Wanted"


def test_entry_fields() -> None:
    extracted = extract(
        "https://arxiv.org/abs/2405.05966", feed(("2405.05966v1", "A  Title\n  Split"))
    )
    assert extracted.kind == "arxiv"
    assert extracted.title == "A Title Split"
    assert extracted.publication == "arXiv"
    assert extracted.author == "Ada Lovelace; Alan Turing"
    assert extracted.summary.startswith("We release code at https://github.com/acme/tiny-model and")
    assert iso(extracted.published_at) == "2024-05-09T17:59:32+00:00"
    assert extracted.canonical_url == "https://arxiv.org/abs/2405.05966"
    meta = extracted.metadata
    assert meta["arxiv_id"] == "2405.05966"
    assert meta["version"] == "v1"
    assert meta["primary_category"] == "cs.CL"
    assert meta["categories"] == ["cs.CL", "cs.LG"]
    assert meta["updated"] == "2024-06-01T10:00:00+00:00"
    assert meta["affiliations"] == {"Ada Lovelace": ["Analytical Engines"]}
    assert extracted.related_links == [
        RelatedLinkData("PDF", "https://arxiv.org/pdf/2405.05966v1", "metadata"),
        RelatedLinkData("GitHub", "https://github.com/acme/tiny-model", "metadata"),
        RelatedLinkData("Demo", "https://huggingface.co/spaces/acme/tiny", "metadata"),
        RelatedLinkData("项目主页", "https://acme.example.org/tiny", "metadata"),
    ]


def test_api_entry_with_doi_and_journal_ref(pages_dir) -> None:
    body = (pages_dir / "arxiv" / "kahkeng-arxiv.py_api_id_list_1111.2011v2.xml").read_bytes()
    extracted = extract("https://arxiv.org/abs/1111.2011v2", body)
    assert extracted.metadata["doi"] == "10.1103/PhysRevB.85.115117"
    assert extracted.metadata["journal_ref"] == "Phys. Rev. B 85, 115117 (2012)"
    assert extracted.metadata["comment"] == "8 pages, 3 figures. Published version"
    assert (
        RelatedLinkData("DOI", "https://doi.org/10.1103/PhysRevB.85.115117", "metadata")
        in extracted.related_links
    )


def test_abs_page_authors_are_first_name_first(pages_dir) -> None:
    body = (
        pages_dir / "arxiv" / "tkukurin-ReMarkableDropboxSyncup_abs_2106.09608_2021.html"
    ).read_bytes()
    extracted = extract("https://arxiv.org/abs/2106.09608v2", body)
    assert extracted.author == "Prithviraj Ammanabrolu; Mark O. Riedl"
    # Published is the first version's submission; updated the latest revision.
    assert iso(extracted.published_at) == "2021-06-17T15:45:54+00:00"
    assert extracted.metadata["updated"] == "2021-10-20T17:56:01+00:00"
    assert (
        extracted.metadata["comment"]
        == "Camera read, in Proceedings of NeurIPS 2021 Main Conference"
    )
    assert extracted.metadata["categories"] == ["cs.LG", "cs.AI", "cs.CL"]
    assert extracted.related_links[0] == RelatedLinkData(
        "PDF", "https://arxiv.org/pdf/2106.09608", "metadata"
    )


def test_abs_page_relative_og_image_is_made_absolute(pages_dir) -> None:
    body = (pages_dir / "arxiv" / "opendatalab-magic-html_abs_2405.05966.html").read_bytes()
    extracted = extract("https://arxiv.org/abs/2405.05966v1", body)
    assert extracted.image_url == "https://arxiv.org/static/browse/0.3.4/images/arxiv-logo-fb.png"
    assert extracted.metadata["primary_category"] == "cs.CL"


def test_entities_in_a_feed_are_not_resolved() -> None:
    body = b"""<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2405.05966v1</id>
    <title>T &x;</title></entry></feed>"""
    extracted = extract("https://arxiv.org/abs/2405.05966", body)
    assert "root" not in extracted.title


def test_abs_error_page_is_not_found() -> None:
    page = b"""<html><head><title>arXiv.org e-Print archive</title></head><body>
    <h1>Article identifier '2405.99999' not found</h1></body></html>"""
    with pytest.raises(NotAnArticle) as raised:
        extract("https://arxiv.org/abs/2405.99999", page)
    assert raised.value.code == "not_found"
