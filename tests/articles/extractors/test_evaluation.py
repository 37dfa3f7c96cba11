"""The ground-truth scorer used by the manifest tests and the benchmark must catch mistakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from articles.extractors import Extracted
from articles.extractors.evaluation import ManifestRow, score, summary_follows_rules


def row(**values: str) -> ManifestRow:
    defaults = dict.fromkeys(
        ("file", "url", "kind", "title", "description", "image_url", "author_or_publication",
         "published", "notes"), "",
    )  # fmt: skip
    return ManifestRow(**{**defaults, "kind": "generic", **values})


def test_right_fields_score_true() -> None:
    truth = row(
        title="T", description="Short summ", image_url="https://x/i.jpg",
        author_or_publication="Ada (Site / Other Site)", published="2024-05-14T17:00:00-04:00",
        lede="The first  words",
    )  # fmt: skip
    extracted = Extracted(
        kind="web", title="T", description="Short  summary, longer", image_url="https://x/i.jpg",
        author="Ada", publication="Other Site", published_at=datetime(2024, 5, 14, 21, tzinfo=UTC),
        summary="The first words of the body.",
    )  # fmt: skip
    assert score(truth, extracted) == dict.fromkeys(
        ("title", "description", "image_url", "author_or_publication", "published", "lede"), True
    )


def test_wrong_fields_score_false() -> None:
    truth = row(
        title="T", description="Short", image_url="https://x/i.jpg",
        author_or_publication="Ada (Site)", published="2024-05-14T17:00:00-04:00", lede="Body",
    )  # fmt: skip
    extracted = Extracted(
        kind="web", title="T2", description="Other", summary="Short", image_url="https://x/j.jpg",
        author="Ada", publication="Elsewhere", published_at=datetime(2024, 5, 14, 17, tzinfo=UTC),
    )  # fmt: skip
    assert not any(score(truth, extracted).values())


def test_empty_ground_truth_fields_are_not_scored() -> None:
    assert score(row(title="T"), Extracted(kind="web", title="T")) == {"title": True}


def test_day_only_ground_truth_compares_the_calendar_day() -> None:
    truth = row(title="T", published="2024-05-09")
    late = datetime(2024, 5, 9, 23, 30, tzinfo=timezone(timedelta(hours=8)))
    assert score(truth, Extracted(kind="web", title="T", published_at=late))["published"]
    day_after = datetime(2024, 5, 10, 0, 30, tzinfo=UTC)
    assert not score(truth, Extracted(kind="web", title="T", published_at=day_after))["published"]


def test_people_by_kind() -> None:
    wechat = row(kind="wechat", title="T", author_or_publication="华商报")
    assert score(wechat, Extracted(kind="wechat", title="T", publication="华商报"))[
        "author_or_publication"
    ]
    assert not score(wechat, Extracted(kind="wechat", title="T", author="华商报"))[
        "author_or_publication"
    ]
    arxiv = row(kind="arxiv-api", title="T", author_or_publication="A; B")
    assert score(arxiv, Extracted(kind="arxiv", title="T", author="A; B"))["author_or_publication"]


def test_error_rows_name_their_code_from_the_notes() -> None:
    assert row(notes='ERROR PAGE: WeChat "链接已过期" (link expired)').expected_error == "expired"
    assert row(notes="ERROR: HTTP 404 body for GET /repos/x").expected_error == "not_found"
    assert row(notes="ERROR: HTTP 301 Moved Permanently").expected_error == "moved"


def test_description_and_summary_are_scored_apart() -> None:
    truth = row(title="T", description="What the page says", lede="What the body says")
    declared_only = Extracted(kind="web", title="T", summary="What the page says")
    assert score(truth, declared_only) == {"title": True, "description": False, "lede": False}


def test_summary_rules_count_cjk_characters_or_latin_words() -> None:
    assert summary_follows_rules("研究人员发布了新模型。" * 9)
    assert not summary_follows_rules("研究人员发布了新模型。")
    assert not summary_follows_rules("研究人员发布了新模型，" * 9)
    assert summary_follows_rules("The model is small. " * 10)
    assert not summary_follows_rules("The model is small, " * 10)
    assert not summary_follows_rules("The model is small. " * 40)
