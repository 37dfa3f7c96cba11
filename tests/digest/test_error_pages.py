import pytest

pytestmark = pytest.mark.django_db


def test_missing_pages_use_the_site_layout(client) -> None:
    response = client.get("/ai-brief/123/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "找不到这个页面" in body
    assert 'href="/archive/"' in body
