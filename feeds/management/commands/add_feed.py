import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from feeds.adding import FeedAddError, feed_add
from feeds.lookups import digest_id_for, source_for
from feeds.representation import feed_as_dict


class Command(BaseCommand):
    help = (
        "Add a feed by its URL, a page that links to it, an arXiv listing or a GitHub"
        " repository; prints the feed as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", metavar="URL")
        parser.add_argument("--source", metavar="SLUG", help="the source the feed belongs to")
        parser.add_argument("--digest", metavar="SLUG", help="the digest whose inbox it feeds")

    def handle(self, *args, url: str, source: str | None, digest: str | None, **options) -> None:
        try:
            owner = source_for(source) if source else None
            digest_id = digest_id_for(digest) if digest else None
            feed, created = feed_add(url=url, source=owner, digest_id=digest_id)
        except (LookupError, FeedAddError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            json.dumps({**feed_as_dict(feed), "created": created}, ensure_ascii=False)
        )
