"""Text helpers: CJK-aware sentence split for summaries, entity and whitespace clean-up."""

from __future__ import annotations

from articles.extractors.base import clean_block_text, clean_text, first_sentences


def test_chinese_sentences_split_without_spaces() -> None:
    text = "研究人员发布了新模型。它很小！但是效果很好？后面还有很多很多内容。" * 3
    assert first_sentences(text, min_chars=10) == "研究人员发布了新模型。"
    assert first_sentences(text, min_chars=15) == "研究人员发布了新模型。它很小！"


def test_closing_quote_stays_with_its_sentence() -> None:
    text = "他说：“我们开源了。”随后公布了代码。"
    assert first_sentences(text, min_chars=5) == "他说：“我们开源了。”"


def test_english_sentences_need_a_space_after_the_stop() -> None:
    text = "Version 2.5 is out. It is 3.2x faster. More below."
    assert first_sentences(text, min_chars=10) == "Version 2.5 is out."
    assert first_sentences(text, min_chars=25) == "Version 2.5 is out. It is 3.2x faster."


def test_lines_are_sentence_boundaries_and_joined_by_script() -> None:
    assert first_sentences("标题行\n正文第一句。", min_chars=8) == "标题行正文第一句。"
    assert first_sentences("A heading\nThe first sentence.", min_chars=12) == (
        "A heading The first sentence."
    )


def test_a_text_without_stops_is_cut_with_an_ellipsis() -> None:
    summary = first_sentences("无标点" * 200, max_chars=50)
    assert len(summary) == 50
    assert summary.endswith("…")


def test_clean_text_undoes_double_escaping_and_collapses_space() -> None:
    assert clean_text("  Tom &amp;amp; Jerry\n\t&#39;s  ") == "Tom &amp; Jerry 's"
    assert clean_text("It&#39;s  here") == "It's here"
    assert clean_text(None) == ""


def test_block_text_keeps_one_line_per_block() -> None:
    assert clean_block_text(" a  b \n\n\n c\u3000d \n") == "a b\nc d"
