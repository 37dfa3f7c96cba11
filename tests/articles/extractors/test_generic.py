"""Web pages: OpenGraph, Twitter cards, JSON-LD and plain HTML, by general precedence rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from articles.extractors import NotAnArticle, RelatedLinkData, extract
from tests.articles.extractors.conftest import iso

URL = "https://news.example.com/2024/05/tiny-models"


def page(head: str, body: str = "") -> bytes:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>".encode()


def test_json_ld_graph_supplies_what_metas_lack() -> None:
    ld = """<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "Example News"},
      {"@type": ["NewsArticle"], "headline": "Tiny models, big gains",
       "datePublished": "2024-05-10T09:30:00+02:00",
       "author": [{"@type": "Person", "name": "Ada Lovelace"},
                  {"@type": "Person", "name": "Alan Turing"}],
       "publisher": {"@type": "Organization", "name": "Example News",
                     "url": "https://news.example.com"},
       "image": {"@type": "ImageObject", "url": "/img/lead.jpg"},
       "description": "Why small language models matter."}]}</script>"""
    extracted = extract(URL, page(ld))
    assert extracted.kind == "web"
    assert extracted.title == "Tiny models, big gains"
    assert extracted.author == "Ada Lovelace; Alan Turing"
    assert extracted.publication == "Example News"
    assert extracted.summary == "Why small language models matter."
    assert extracted.image_url == "https://news.example.com/img/lead.jpg"
    assert extracted.published_at == datetime(2024, 5, 10, 7, 30, tzinfo=UTC)
    assert extracted.site_url == "https://news.example.com/"


def test_visible_headline_spelling_wins_over_og_title_typography() -> None:
    head = """<meta property="og:title" content="Meat Isn't Trying to Fool You">
      <title>Meat Isn't Trying to Fool You - Gastro</title>"""
    extracted = extract(URL, page(head, "<h1>Meat Isn’t Trying to Fool You</h1>"))
    assert extracted.title == "Meat Isn’t Trying to Fool You"


def test_og_title_wins_over_a_different_title_tag_and_json_ld() -> None:
    head = """<meta property="og:title" content="OpenAI will reveal a product">
      <title>OpenAI will announce a product | Mashable</title>
      <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Other"}</script>"""
    assert (
        extract(URL, page(head, "<h1>Something else</h1>")).title == "OpenAI will reveal a product"
    )


def test_title_tag_loses_its_site_name_suffix() -> None:
    head = (
        "<title>Tiny models, big gains | Example News</title>"
        '<meta property="og:site_name" content="Example News">'
    )
    assert extract(URL, page(head)).title == "Tiny models, big gains"


def test_entities_escaped_twice_are_undone() -> None:
    head = """<meta property="og:title" content="Tom &amp;amp; Jerry">
      <script type="application/ld+json">{"@type": "Article", "headline": "It&#39;s here",
       "author": {"name": "Jane &amp; John"}}</script>"""
    extracted = extract(URL, page(head))
    assert extracted.title == "Tom & Jerry"
    assert extracted.author == "Jane & John"


def test_author_urls_are_skipped_and_by_prefix_removed() -> None:
    head = """<meta property="og:title" content="T">
      <meta property="article:author" content="https://www.facebook.com/someone">
      <meta name="author" content="By Jane Doe">"""
    assert extract(URL, page(head)).author == "Jane Doe"


def test_person_in_json_ld_wins_over_publisher_in_meta_author() -> None:
    head = """<meta property="og:title" content="T">
      <meta name="author" content="Kompas Cyber Media">
      <script type="application/ld+json">{"@type": "NewsArticle",
       "author": {"@type": "Person", "name": "Icha Rastika"}}</script>"""
    assert extract(URL, page(head)).author == "Icha Rastika"


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ('<meta property="article:published_time" content="2024-05-14 17:00:00 -0400">',
         "2024-05-14T21:00:00+00:00"),
        ('<meta name="date" content="2024-05-11">', "2024-05-11T00:00:00+00:00"),
        # The first itemprop=datePublished is the article's; later ones are related stories'.
        ('<meta itemprop="datePublished" content="2016-08-22T05:30:12+00:00">'
         '<meta itemprop="datePublished" content="2016-08-20T20:55:45+00:00">',
         "2016-08-22T05:30:12+00:00"),
        ('<time pubdate="August 22, 2016">08.22.16</time>', "2016-08-22T00:00:00+00:00"),
        ('<time datetime="Fri, 10 May 2024 19:01:25 +0000">May 10</time>',
         "2024-05-10T19:01:25+00:00"),
    ],
)  # fmt: skip
def test_publication_date_sources(markup, expected) -> None:
    extracted = extract(URL, page('<meta property="og:title" content="T">' + markup))
    assert iso(extracted.published_at, UTC) == expected


def test_doi_canonical_is_kept_and_noted() -> None:
    head = """<meta property="og:title" content="T">
      <link rel="canonical" href="https://doi.org/10.53731/r79vxn1-97aq74v-ag58n">"""
    extracted = extract("https://blog.example.org/posts/t/", page(head))
    assert extracted.canonical_url == "https://doi.org/10.53731/r79vxn1-97aq74v-ag58n"
    assert extracted.metadata["canonical_kind"] == "doi"
    assert extracted.metadata["doi"] == "10.53731/r79vxn1-97aq74v-ag58n"
    assert extracted.related_links[0] == RelatedLinkData("DOI", extracted.canonical_url, "metadata")


def test_relative_canonical_is_made_absolute_and_tracking_removed() -> None:
    head = (
        '<meta property="og:title" content="T"><link rel="canonical" href="/a/b?utm_source=x&id=3">'
    )
    extracted = extract(URL, page(head))
    assert extracted.canonical_url == "https://news.example.com/a/b?id=3"
    assert extracted.metadata["canonical_kind"] == "same_host"


def test_canonical_pointing_at_the_home_page_is_ignored() -> None:
    head = '<meta property="og:title" content="T"><link rel="canonical" href="https://news.example.com/">'
    extracted = extract(URL, page(head))
    assert extracted.canonical_url == ""
    assert extracted.metadata["canonical_ignored"] == "home page"


def test_non_http_canonical_is_noted_not_used() -> None:
    head = '<meta property="og:title" content="T"><meta property="og:url" content="android-app://com.example/x">'
    extracted = extract(URL, page(head))
    assert extracted.canonical_url == ""
    assert extracted.metadata["canonical_declared"] == "android-app://com.example/x"


def test_summary_falls_back_to_first_sentences_of_the_article() -> None:
    body = """<nav><p>首页 | 科技 | 财经 | 体育 | 娱乐 | 汽车 | 房产 | 教育 | 健康</p></nav>
      <article><h1>小模型的大进步</h1>
      <p>研究人员发布了一个只有十亿参数的模型。它在多个基准上超过了更大的模型，而且推理成本很低。</p>
      <p>团队表示，代码和权重都将开源。更多细节将在下个月的会议上公布，届时会有现场演示。</p></article>"""
    extracted = extract(URL, page("<title>小模型的大进步</title>", body))
    assert extracted.title == "小模型的大进步"
    assert extracted.summary.startswith("研究人员发布了一个只有十亿参数的模型。它在多个基准上")
    assert "首页" not in extracted.body_text


def test_article_links_to_papers_and_code_are_related_links() -> None:
    body = """<article><p>The paper (<a href="https://arxiv.org/abs/2405.05966v1">arXiv</a>) and
      <a href="https://github.com/acme/tiny">code</a> are out; see our
      <a href="/2024/05/other-story">other story</a> and
      <a href="/files/report.pdf">report</a>.</p></article>"""
    extracted = extract(URL, page('<meta property="og:title" content="T">', body))
    assert extracted.related_links == [
        RelatedLinkData("Paper", "https://arxiv.org/abs/2405.05966"),
        RelatedLinkData("PDF", "https://news.example.com/files/report.pdf"),
        RelatedLinkData("GitHub", "https://github.com/acme/tiny"),
    ]


def test_page_without_any_title_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle) as raised:
        extract(URL, page("", "<div>nothing here</div>"))
    assert raised.value.code == "empty"


def test_base_href_resolves_relative_urls() -> None:
    head = '<base href="https://cdn.example.net/site/"><meta property="og:title" content="T">'
    head += '<meta property="og:image" content="img/lead.png">'
    assert extract(URL, page(head)).image_url == "https://cdn.example.net/site/img/lead.png"


def test_broken_json_ld_is_skipped_and_lenient_json_ld_is_read() -> None:
    head = """<meta property="og:title" content="T">
      <script type="application/ld+json">{"@type": "NewsArticle", "author": </script>
      <script type="application/ld+json">
      <!--
      [{"@type": "WebSite"}, {"@type": "BlogPosting", "author": {"name": "Ada
      Lovelace"}}]
      -->
      </script>"""
    assert extract(URL, page(head)).author == "Ada Lovelace"


def test_body_text_is_capped() -> None:
    paragraph = "<p>" + "All work and no play makes a long article. " * 40 + "</p>"
    extracted = extract(
        URL,
        page('<meta property="og:title" content="T">', "<article>" + paragraph * 40 + "</article>"),
    )
    assert 19_000 < len(extracted.body_text) <= 20_000


def test_og_title_loses_a_site_name_suffix() -> None:
    head = """<meta property="og:title" content="Tiny models, big gains – Example News">
      <meta property="og:site_name" content="Example News">"""
    assert extract(URL, page(head)).title == "Tiny models, big gains"


def test_a_site_name_joined_without_spaces_is_not_part_of_the_title() -> None:
    head = """<meta property="og:site_name" content="腾讯网">
      <meta property="og:title" content="小模型的大进步_科技_腾讯网">"""
    assert extract(URL, page(head)).title == "小模型的大进步"
    underscored = """<meta property="og:site_name" content="Blog">
      <meta property="og:title" content="snake_case names in Python | Blog">"""
    assert extract(URL, page(underscored)).title == "snake_case names in Python"


def test_a_page_without_metadata_is_dated_by_a_short_line_of_its_text() -> None:
    body = """<div class="post"><h2>Notes on tiny models</h2><p>January 13, 2020 at 08:45 AM</p>
      <p>Version 2 was released on November 5, 2019, after a long wait for everyone.</p></div>"""
    extracted = extract("https://blog.example.org/notes", page("<title>Notes</title>", body))
    assert iso(extracted.published_at) == "2020-01-13T08:45:00+00:00"


def test_chinese_credit_lines_name_the_author_and_the_source() -> None:
    body = """<h1>小模型的大进步</h1><div class="info">2024-05-13 06:15 来源：经济日报</div>
      <div class="content"><p>研究人员发布了一个只有十亿参数的模型。它超过了更大的模型。</p>
      <p>（作者：研究员张三 编辑：李四）</p></div>"""
    extracted = extract(URL, page("<title>小模型的大进步</title>", body))
    assert (extracted.author, extracted.publication) == ("张三", "经济日报")
    # No zone on a Chinese page: China time.
    assert iso(extracted.published_at) == "2024-05-13T06:15:00+08:00"


def test_a_publisher_named_as_author_is_not_the_author() -> None:
    head = """<meta property="og:title" content="T">
      <meta property="og:site_name" content="Acme News">
      <script type="application/ld+json">{"@type": "NewsArticle", "headline": "T",
        "author": {"@type": "Organization", "name": "Acme News"}}</script>"""
    body = '<div class="byline">By <a href="/people/ada">Ada Lovelace</a> May 6, 2024</div>'
    assert extract(URL, page(head, body)).author == "Ada Lovelace"
