"""The summary written from a page's body: its lede, by the house rules."""

from __future__ import annotations

import pytest

from articles.extractors.evaluation import summary_follows_rules
from articles.extractors.lede import cut, is_title_like, lede, summary_of

SENTENCE = "研究人员发布了一个只有十亿参数的模型，它在多个基准上超过了更大的模型。"  # 34 characters
ENGLISH = "The team released a model with one billion parameters that beats larger ones. "


@pytest.mark.parametrize(
    "opening",
    [
        "点击上方蓝字关注我们",
        "▲点击上方“机器之心”，设为星标",
        "来源：新华社",
        "作者 | 张三",
        "文 | 李四",
        "编辑：王五",
        "【编者按】本文经授权转载，观点不代表本号立场。",
        "编者按：本文经授权转载。",
        "图片来源：视觉中国",
        "本文约3000字，建议阅读8分钟",
        "By Ada Lovelace",
        "Photo: Getty Images",
        "Editor’s note: this story was updated.",
        "Advertisement",
        "This post is part of a series on tiny models.",
        "转播到腾讯微博",
        "开始前的碎碎念",  # a heading: short, no sentence end
    ],
)
def test_bylines_prompts_credits_notes_and_captions_are_skipped(opening) -> None:
    summary = lede(f"{opening}\n{SENTENCE * 3}")
    assert summary.startswith(SENTENCE)


def test_cjk_lede_is_80_to_300_characters_cut_at_a_sentence_end() -> None:
    summary = lede(SENTENCE * 20)
    assert summary == SENTENCE * 3
    assert summary_follows_rules(summary)


def test_latin_lede_is_40_to_120_words_cut_at_a_sentence_end() -> None:
    summary = lede(ENGLISH * 20)
    assert summary == (ENGLISH * 4).strip()
    assert summary_follows_rules(summary)


def test_lede_runs_over_paragraphs_and_lines_broken_mid_sentence() -> None:
    text = (
        "“各民族要相互了解、相互尊重、\n相互包容、相互欣赏，\n像石榴籽那样紧紧抱在一起。”\n"
        + SENTENCE * 3
    )
    assert lede(text).startswith(
        "“各民族要相互了解、相互尊重、相互包容、相互欣赏，像石榴籽那样紧紧抱在一起。”"
    )


def test_a_quotation_stays_whole() -> None:
    text = "他说：“兄弟，放心吧！我们会回来的。”" + SENTENCE * 3
    assert lede(text).startswith("他说：“兄弟，放心吧！我们会回来的。”")


def test_abbreviations_and_decimals_do_not_end_sentences() -> None:
    text = "Dr. Smith said version 2.5 is out. " + ENGLISH * 10
    assert lede(text).startswith("Dr. Smith said version 2.5 is out. The team")


def test_an_overlong_first_sentence_is_cut_at_a_clause_never_inside_a_word_or_url() -> None:
    long_cjk = "模型" * 100 + "，" + "数据" * 100 + "。"
    assert cut(long_cjk, 300, cjk=True) == "模型" * 100 + "…"
    url = "参见 " + "很长" * 140 + " https://example.org/a/very/long/path 之后"
    assert cut(url, 300, cjk=True) == "参见 " + "很长" * 140 + "…"
    words = " ".join(["word"] * 200) + "."
    assert cut(words, 120, cjk=False) == " ".join(["word"] * 120) + "…"


@pytest.mark.parametrize(
    ("description", "title", "site", "like"),
    [
        ("小模型的大进步", "小模型的大进步", "", True),
        ("小模型的大进步 - 量子位", "小模型的大进步", "量子位", True),
        ("苹果称反垄断诉讼应被驳回,指控,美国", "苹果称反垄断诉讼应被驳回", "", True),
        ("Tiny models", "Tiny models beat large ones", "", True),
        ("Acme News: Tiny models", "Tiny models", "Acme News", True),
        ("A one-billion-parameter model beats larger ones.", "Tiny models", "", False),
        ("", "Tiny models", "", True),
    ],
)
def test_a_description_that_is_the_title_is_not_a_summary(description, title, site, like) -> None:
    assert is_title_like(description, title, site) is like


def test_the_description_stands_in_when_the_body_gives_nothing() -> None:
    assert summary_of("", "A model that beats larger ones.", title="T") == (
        "A model that beats larger ones."
    )
    assert summary_of("", "T - Site", title="T", site="Site") == ""
    assert summary_of(SENTENCE * 3, "Declared.", title="T").startswith(SENTENCE)
