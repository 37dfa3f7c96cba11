"""Without a broker, `make run` fetches on background threads: pasting never waits."""

import time

import pytest

from articles.models import Article
from articles.services import article_create
from tests.support.worker import require_postgres


@pytest.mark.django_db(transaction=True)
def test_articles_are_fetched_in_the_background_without_a_broker(
    settings, sites, pages_dir
) -> None:
    require_postgres()
    from tests.support.manifest import body, page

    settings.TASKS_IN_THREADS = True
    row = page(pages_dir, "postlight_wired_airplane_tires_2016.html")

    def slowly(handler, request) -> None:
        time.sleep(0.5)
        from tests.support.httpserver import send_static

        send_static(handler, 200, {"Content-Type": "text/html"}, body(pages_dir, row))

    sites.serve("https://www.wired.com/2016/08/airplane-tires/", b"", handler=slowly)
    started = time.monotonic()
    article, _ = article_create(url=row.url)
    assert time.monotonic() - started < 0.4, "creating the article waited for the fetch"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        article.refresh_from_db()
        if article.fetch_state == Article.FetchState.DONE:
            break
        time.sleep(0.1)
    assert article.fetch_state == Article.FetchState.DONE, article.fetch_error
    assert article.title == row.title
