import json

from django.core.management.base import BaseCommand, CommandParser

from articles import ingest
from articles.models import Article
from articles.services import articles_add_from_text


class Command(BaseCommand):
    help = "Add articles by URL and queue them for fetching; prints one JSON line per URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("urls", nargs="+", metavar="URL")
        parser.add_argument(
            "--sync", action="store_true", help="fetch each article now, before printing"
        )

    def handle(self, *args, urls: list[str], sync: bool, **options) -> None:
        results = articles_add_from_text(text="\n".join(urls), fetch=not sync)
        failed = False
        for result in results:
            if sync and result.article is not None:
                outcome = ingest.article_fetch(result.article.pk, final_attempt=True)
                if outcome.state == Article.FetchState.DONE:
                    ingest.article_fetch_image(outcome.article_id)
                result.article = Article.objects.get(pk=outcome.article_id)
                result.canonical_url = result.article.canonical_url
            article_failed = (
                result.article is not None
                and result.article.fetch_state == Article.FetchState.FAILED
            )
            failed = failed or bool(result.error) or article_failed
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        if failed:
            raise SystemExit(1)
