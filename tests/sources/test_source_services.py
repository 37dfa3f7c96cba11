import pytest

from sources.models import Source
from sources.services import source_get_or_create

pytestmark = pytest.mark.django_db


def test_wechat_account_found_by_biz_even_after_a_rename() -> None:
    first = source_get_or_create(kind="wechat", name="机器之心", wechat_biz="MzA3")
    renamed = source_get_or_create(kind="wechat", name="机器之心Pro", wechat_biz="MzA3")
    assert renamed == first
    assert Source.objects.count() == 1


def test_account_known_by_name_learns_its_biz() -> None:
    first = source_get_or_create(kind="wechat", name="量子位")
    assert first.wechat_biz == ""
    again = source_get_or_create(kind="wechat", name="量子位", wechat_biz="MzIz")
    assert again == first
    again.refresh_from_db()
    assert again.wechat_biz == "MzIz"


def test_arxiv_and_github_are_single_sources() -> None:
    assert source_get_or_create(kind="arxiv") == source_get_or_create(kind="arxiv", name="")
    assert source_get_or_create(kind="github").name == "GitHub"


def test_websites_get_unicode_slugs() -> None:
    source = source_get_or_create(kind="web", name="新智元", domain="example.cn")
    assert source.kind == "website"
    assert source.slug == "新智元"


def test_nameless_unknown_source_is_none() -> None:
    assert source_get_or_create(kind="web", name="") is None
