from __future__ import annotations

import pytest

from articles.extractors import RelatedLinkData
from articles.extractors.links import (
    canonical_link,
    collect_links,
    label_for,
    order_links,
    tidy_url,
    urls_in_text,
)


@pytest.mark.parametrize(
    ("url", "context", "label"),
    [
        ("https://arxiv.org/abs/2405.05966", "", "Paper"),
        ("https://arxiv.org/pdf/2405.05966v2", "代码", "Paper"),
        ("https://doi.org/10.1103/PhysRevB.85.115117", "", "DOI"),
        ("https://github.com/openai/whisper", "", "GitHub"),
        ("https://huggingface.co/meta-llama/Llama-3-8B", "", "Hugging Face"),
        ("https://huggingface.co/datasets/acme/corpus", "", "数据集"),
        ("https://huggingface.co/spaces/acme/demo", "", "Demo"),
        ("https://acme-demo.hf.space", "", "Demo"),
        ("https://www.kaggle.com/datasets/acme/corpus", "", "数据集"),
        ("https://openreview.net/forum?id=abc", "", "Paper"),
        ("https://example.org/report.pdf", "", "PDF"),
        ("https://example.org/x", "论文：", "Paper"),
        ("https://example.org/x", "论文和代码：", "代码"),
        ("https://example.org/x", "在线Demo：", "Demo"),
        ("https://example.org/x", "数据集下载", "数据集"),
        ("https://example.org/x", "项目主页：", "项目主页"),
        ("https://www.alphaxiv.org/abs/2405.05966", "", "Paper"),
        ("https://huggingface.co/papers/2405.05966", "", "Paper"),
        ("https://papers.cool/arxiv/2405.05966", "", "Paper"),
        ("https://doi.org/10.48550/arXiv.2405.05966", "", "Paper"),
        ("https://paperswithcode.com/paper/tiny-models", "", "Paper"),
        ("https://gitlab.com/acme/tiny", "", "代码"),
        ("https://acme.github.io/tiny/", "", "项目主页"),
        ("https://example.org/x", "decode this", ""),
        ("https://example.org/x", "", ""),
    ],
)
def test_link_labels(url, context, label) -> None:
    assert label_for(url, context) == label


def test_links_are_canonical_and_not_repeated() -> None:
    links = collect_links(
        [
            ("https://arxiv.org/pdf/2405.05966v2.pdf", ""),
            ("https://arxiv.org/abs/2405.05966", ""),
            ("https://github.com/openai/whisper?utm_source=x", ""),
            ("https://github.com/openai/whisper", ""),
            ("https://mp.weixin.qq.com/s?__biz=X&mid=1&idx=1&sn=y", "论文"),
            ("javascript:void(0)", "demo"),
            ("https://example.org/about", ""),
        ]
    )
    assert links == [
        RelatedLinkData("Paper", "https://arxiv.org/abs/2405.05966"),
        RelatedLinkData("GitHub", "https://github.com/openai/whisper"),
    ]


def test_excluded_urls_are_left_out() -> None:
    links = collect_links([("https://github.com/a/b", "")], exclude=["https://github.com/a/b/"])
    assert links == []


def test_fallback_label_keeps_unrecognised_links() -> None:
    links = collect_links([("https://example.org/x", "")], fallback="Link")
    assert links == [RelatedLinkData("Link", "https://example.org/x")]


def test_urls_in_chinese_text_stop_at_full_width_punctuation() -> None:
    text = "论文地址：https://arxiv.org/abs/2405.05966，代码见https://github.com/a/b。\n(https://x.org/y)"
    assert urls_in_text(text) == [
        ("https://arxiv.org/abs/2405.05966", "论文地址："),
        ("https://github.com/a/b", "，代码见"),
        ("https://x.org/y", "("),
    ]


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("https://github.com/a/b.", "https://github.com/a/b"),
        ("https://github.com/a/b),", "https://github.com/a/b"),
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("https://en.wikipedia.org/wiki/Foo_(bar)).", "https://en.wikipedia.org/wiki/Foo_(bar)"),
    ],
)
def test_trailing_punctuation_is_not_part_of_a_url(raw, url) -> None:
    assert tidy_url(raw) == url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://arxiv.org/html/2405.05966v2", "https://arxiv.org/abs/2405.05966"),
        ("https://www.alphaxiv.org/abs/2405.05966v1", "https://arxiv.org/abs/2405.05966"),
        ("https://huggingface.co/papers/2405.05966", "https://arxiv.org/abs/2405.05966"),
        ("https://papers.cool/arxiv/2405.05966", "https://arxiv.org/abs/2405.05966"),
        ("https://doi.org/10.48550/arXiv.2405.05966", "https://arxiv.org/abs/2405.05966"),
        ("https://github.com/acme/tiny.git", "https://github.com/acme/tiny"),
        ("https://github.com/acme/tiny/blob/main/README.md#usage", "https://github.com/acme/tiny"),
        ("https://github.com/acme/tiny/issues/3", "https://github.com/acme/tiny"),
        (
            "https://github.com/deepmind/deepmind-research/tree/master/nfnets",
            "https://github.com/deepmind/deepmind-research/tree/master/nfnets",
        ),
        ("https://example.org/x?utm_source=y", "https://example.org/x"),
    ],
)
def test_canonical_link(url, canonical) -> None:
    assert canonical_link(url) == canonical


def test_one_paper_from_many_sites_is_one_link() -> None:
    links = collect_links(
        [
            ("https://www.alphaxiv.org/abs/2405.05966", ""),
            ("https://huggingface.co/papers/2405.05966", ""),
            ("https://arxiv.org/pdf/2405.05966v1", ""),
            ("https://github.com/acme/tiny/tree/main", ""),
            ("https://github.com/acme/tiny", ""),
        ]
    )
    assert [link.url for link in links] == [
        "https://arxiv.org/abs/2405.05966",
        "https://github.com/acme/tiny",
    ]


def test_links_are_ordered_paper_code_data_demo() -> None:
    found = [
        RelatedLinkData("Demo", "https://d.example/"),
        RelatedLinkData("Link", "https://x.example/"),
        RelatedLinkData("数据集", "https://huggingface.co/datasets/a/b"),
        RelatedLinkData("项目主页", "https://p.example/"),
        RelatedLinkData("GitHub", "https://github.com/a/b"),
        RelatedLinkData("Paper", "https://arxiv.org/abs/2405.05966"),
    ]
    assert [link.label for link in order_links(found)] == [
        "Paper", "GitHub", "数据集", "Demo", "项目主页", "Link",
    ]  # fmt: skip
