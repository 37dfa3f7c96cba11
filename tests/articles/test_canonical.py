import pytest

from articles.canonical import (
    InvalidURL,
    arxiv_id_from_url,
    canonicalize_url,
    github_repo_from_url,
    kind_for_url,
    redact_url,
    wechat_biz,
)

WECHAT = (
    "https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=2650809103&idx=2"
    "&sn=7e77091e9a6c7fe4028ef3958e19f8bf&chksm=84e5e771&scene=126&sessionid=1613720689"
    "&key=b5a1203f2c&ascene=1&uin=MjM2MTMxMDI4MA%3D%3D&devicetype=Windows+10+x64"
    "&version=63000039&lang=zh_CN&exportkey=AcSDWjU%2FgdpM&pass_ticket=%2F4J%2Blbw&wx_header=0"
)
WECHAT_CANONICAL = (
    "https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=2650809103&idx=2"
    "&sn=7e77091e9a6c7fe4028ef3958e19f8bf"
)
PRIVATE = ("key=", "pass_ticket", "uin=", "exportkey", "sessionid", "devicetype")


def test_wechat_links_keep_only_the_article_identity() -> None:
    assert canonicalize_url(WECHAT) == WECHAT_CANONICAL


@pytest.mark.parametrize(
    "variant",
    [
        WECHAT + "#rd",
        WECHAT.replace("https://", "http://"),
        WECHAT.replace("mp.weixin.qq.com", "MP.WEIXIN.QQ.COM"),
        WECHAT.replace("&", "&amp;"),
        WECHAT_CANONICAL + "&utm_source=feed",
    ],
)
def test_wechat_variants_are_one_article(variant: str) -> None:
    assert canonicalize_url(variant) == WECHAT_CANONICAL


@pytest.mark.parametrize("transform", [canonicalize_url, redact_url])
def test_private_wechat_session_tokens_never_survive(transform) -> None:
    stored = transform(WECHAT)
    for marker in PRIVATE:
        assert marker not in stored


def test_wechat_temporary_links_stay_distinct() -> None:
    a = canonicalize_url("https://mp.weixin.qq.com/s?src=11&timestamp=1&ver=1&signature=AAA")
    b = canonicalize_url("https://mp.weixin.qq.com/s?src=11&timestamp=2&ver=1&signature=BBB")
    assert a != b
    assert "signature=AAA" in a


def test_wechat_short_links_keep_their_token() -> None:
    assert canonicalize_url("https://mp.weixin.qq.com/s/AbC-123?scene=1") == (
        "https://mp.weixin.qq.com/s/AbC-123"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/2102.06171",
        "https://arxiv.org/abs/2102.06171v2",
        "http://arxiv.org/pdf/2102.06171.pdf",
        "https://arxiv.org/pdf/2102.06171v1",
        "https://www.arxiv.org/html/2102.06171v3",
        "https://export.arxiv.org/abs/2102.06171",
    ],
)
def test_arxiv_variants_are_one_paper(url: str) -> None:
    assert canonicalize_url(url) == "https://arxiv.org/abs/2102.06171"
    assert kind_for_url(url) == "arxiv"


def test_old_style_arxiv_ids_are_understood() -> None:
    assert arxiv_id_from_url("https://arxiv.org/abs/cs/0112017v1") == ("cs/0112017", "v1")
    assert (
        canonicalize_url("https://arxiv.org/pdf/cs/0112017") == "https://arxiv.org/abs/cs/0112017"
    )


def test_github_deep_links_keep_owner_repo_and_path() -> None:
    url = "https://github.com/deepmind/deepmind-research/tree/master/nfnets/#readme"
    assert (
        canonicalize_url(url) == "https://github.com/deepmind/deepmind-research/tree/master/nfnets"
    )
    assert github_repo_from_url(url) == ("deepmind", "deepmind-research", "tree/master/nfnets")
    assert (
        canonicalize_url("http://www.github.com/google/jax.git") == "https://github.com/google/jax"
    )


def test_github_site_pages_are_not_repositories() -> None:
    assert github_repo_from_url("https://github.com/topics/machine-learning") is None
    assert kind_for_url("https://github.com/features/actions") == "web"


def test_generic_urls_lose_tracking_fragment_and_default_port() -> None:
    url = "HTTPS://Spectrum.IEEE.org:443/tech-talk/x?utm_source=wx&utm_medium=a&id=7&fbclid=z#top"
    assert canonicalize_url(url) == "https://spectrum.ieee.org/tech-talk/x?id=7"


def test_bare_hosts_get_a_scheme_and_a_path() -> None:
    assert canonicalize_url("example.com") == "https://example.com/"


@pytest.mark.parametrize(
    "bad", ["", "   ", "javascript:alert(1)", "ftp://example.com/x", "https://user:pw@example.com/"]
)
def test_unusable_urls_are_refused_with_a_reason(bad: str) -> None:
    with pytest.raises(InvalidURL):
        canonicalize_url(bad)


def test_wechat_account_id_is_read_from_links() -> None:
    assert wechat_biz(WECHAT) == "MzA3MzI4MjgzMw=="
    assert wechat_biz("https://example.com/?__biz=x") == ""


def test_bare_arxiv_ids_are_understood() -> None:
    assert arxiv_id_from_url("2405.05966") == ("2405.05966", "")
    assert arxiv_id_from_url("arXiv:2405.05966v2") == ("2405.05966", "v2")
    assert arxiv_id_from_url("cs/0112017") == ("cs/0112017", "")


def test_old_arxiv_ids_with_a_subject_class_are_the_same_paper() -> None:
    assert canonicalize_url("https://arxiv.org/abs/math.GT/0309136") == (
        "https://arxiv.org/abs/math/0309136"
    )


def test_github_account_pages_are_not_repositories() -> None:
    assert github_repo_from_url("https://github.com/users/someone/projects/1") is None
    assert github_repo_from_url("https://github.com/enterprise/startups") is None


def test_malformed_brackets_are_an_invalid_url_not_a_crash() -> None:
    with pytest.raises(InvalidURL):
        canonicalize_url("http://[::1/")
