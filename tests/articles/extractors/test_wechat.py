"""WeChat articles: JS variable quirks, unavailable-article pages, links in the body."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from articles.extractors import NotAnArticle, RelatedLinkData, extract
from articles.extractors.wechat import js_value, js_vars
from tests.articles.extractors.conftest import iso

URL = "https://mp.weixin.qq.com/s/AbCdEfGhIjKl"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("wechat_deleted.html", "deleted"),
        ("wechat_violation.html", "violation"),
        ("wechat_verification.html", "verification"),
        ("wechat_rate_limited.html", "rate_limited"),
    ],
)
def test_unavailable_article_pages_raise_with_their_code(own_page, name, code) -> None:
    with pytest.raises(NotAnArticle) as raised:
        extract(URL, own_page(name))
    assert raised.value.code == code
    assert raised.value.message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("该公众号已迁移", "moved"),
        ("请在微信客户端打开链接。", "blocked"),
        ("此帐号已被封禁，内容无法查看", "violation"),
        ("参数错误", "not_found"),
    ],
)
def test_other_message_pages(text, code) -> None:
    page = f'<html><body><div class="weui-msg"><p class="weui-msg__title">{text}</p></div></body>'
    with pytest.raises(NotAnArticle) as raised:
        extract(URL, page.encode())
    assert raised.value.code == code


def test_error_wording_inside_scripts_does_not_count() -> None:
    page = '<html><body><div>你好</div><script>var t = "链接已过期";</script></body></html>'
    with pytest.raises(NotAnArticle) as raised:
        extract(URL, page.encode())
    assert raised.value.code == "empty"


def test_article_mentioning_an_error_phrase_is_still_an_article(own_page) -> None:
    extracted = extract(URL, own_page("wechat_article_links.html"))
    assert "链接已过期" in extracted.body_text
    assert extracted.title == "GPT & 小模型：一周速览"


def test_js_vars_take_first_non_empty_literal_and_undo_escapes(own_page) -> None:
    values = js_vars(own_page("wechat_article_links.html"))
    assert values["biz"] == "MzA3MzI4MjgzMw=="
    assert values["nickname"] == "AI & 前沿"
    assert values["ct"] == "1715400000"
    assert "msg_desc" not in values
    # The commented-out msg_link above the real one is skipped; \x26amp; becomes &.
    assert values["msg_link"].startswith(
        "http://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=2650900000&idx=1"
    )


@pytest.mark.parametrize(
    ("rhs", "value"),
    [
        (b'"" || "" || "2650804290"', "2650804290"),
        (b"'\\u7ed8\\u5fb7'.html(false)", "绘德"),
        (b'htmlDecode("a &quot;b&quot; &amp; c")', 'a "b" & c'),
        (b'"1659274471" * 1', "1659274471"),
        (b"'it\\'s'", "it's"),
        (b'"a\\x26amp;b"', "a&b"),
        (b"1581517074", "1581517074"),
        (b'""', ""),
    ],
)
def test_js_value_forms(rhs, value) -> None:
    assert js_value(rhs) == value


def test_article_fields_from_js_vars(own_page) -> None:
    extracted = extract(URL, own_page("wechat_article_links.html"))
    assert extracted.kind == "wechat"
    assert extracted.publication == "AI & 前沿"
    assert extracted.author == "张三"
    assert extracted.image_url == "https://mmbiz.qpic.cn/mmbiz_jpg/cover/0?wx_fmt=jpeg"
    # ct is a Unix time; "昨天" in the byline is ignored.
    assert extracted.published_at == datetime(
        2024, 5, 11, 12, 0, tzinfo=timezone(timedelta(hours=8))
    )
    assert extracted.published_at.utcoffset() == timedelta(hours=8)
    assert extracted.source_key == "MzA3MzI4MjgzMw=="
    # Private per-reader parameters (chksm) never reach the stored URL.
    assert extracted.canonical_url == (
        "https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=2650900000&idx=1"
        "&sn=0123456789abcdef0123456789abcdef"
    )
    assert extracted.metadata["images"] == ["https://mmbiz.qpic.cn/mmbiz_png/body1/640?wx_fmt=png"]


def test_empty_digest_falls_back_to_first_body_sentences(own_page) -> None:
    extracted = extract(URL, own_page("wechat_article_links.html"))
    assert extracted.summary.startswith("本周的小模型进展不少。我们挑了三篇。")


def test_body_links_become_labelled_canonical_related_links(own_page) -> None:
    links = extract(URL, own_page("wechat_article_links.html")).related_links
    assert links == [
        RelatedLinkData("Paper", "https://arxiv.org/abs/2405.05966"),
        RelatedLinkData("GitHub", "https://github.com/openai/whisper"),
        RelatedLinkData("数据集", "https://huggingface.co/datasets/acme/tiny-corpus"),
        RelatedLinkData("Demo", "https://acme-tiny.hf.space/"),
        RelatedLinkData("项目主页", "https://example.org/tiny"),
        RelatedLinkData("原文链接", "https://example.org/blog/tiny-models", "metadata"),
    ]


def test_expired_saved_page_reports_expired(pages_dir) -> None:
    body = (pages_dir / "wechat" / "chyroc-WechatSogou_article_detail_expired.html").read_bytes()
    with pytest.raises(NotAnArticle) as raised:
        extract(URL, body)
    assert raised.value.code == "expired"


def test_relative_byline_date_is_not_used_when_ct_is_missing() -> None:
    page = (
        '<html><head><meta property="og:title" content="标题"></head><body>'
        '<em id="publish_time">昨天</em><div id="js_content"><p>正文。</p></div></body></html>'
    ).encode()
    assert extract(URL, page).published_at is None


def test_publish_time_var_is_a_fallback_for_ct() -> None:
    page = (
        '<html><head><script>var msg_title = "标题";\nvar publish_time = "2018-04-06" || "";'
        "</script></head><body></body></html>"
    ).encode()
    published = extract(URL, page).published_at
    assert published is not None
    assert published.isoformat() == "2018-04-06T00:00:00+08:00"


def test_text_post_reads_cgi_data(own_page) -> None:
    extracted = extract(URL, own_page("wechat_text_post.html"))
    assert extracted.title == "小模型 & 推理"
    assert extracted.publication == "测试公众号"
    assert iso(extracted.published_at) == "2024-03-01T16:00:00+08:00"
    assert extracted.image_url == "https://mmbiz.qpic.cn/mmbiz_jpg/textpost/0?wx_fmt=jpeg"
    assert extracted.body_text == "小模型也能做推理。\n论文：https://arxiv.org/abs/2405.05966"
    assert extracted.summary.startswith("小模型也能做推理。")
    assert extracted.related_links == [RelatedLinkData("Paper", "https://arxiv.org/abs/2405.05966")]


def test_deleted_page_that_keeps_a_title_is_still_deleted() -> None:
    page = (
        '<html><head><meta property="og:title" content="旧标题"></head><body>'
        '<div class="weui-msg"><h2 class="weui-msg__title">该内容已被发布者删除</h2></div>'
        "</body></html>"
    ).encode()
    with pytest.raises(NotAnArticle) as raised:
        extract(URL, page)
    assert raised.value.code == "deleted"
