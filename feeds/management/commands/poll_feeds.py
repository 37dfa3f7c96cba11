import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.inprocess import enqueue
from feeds.models import Feed
from feeds.services import PollResult, feed_poll
from feeds.tasks import poll_feed


class Command(BaseCommand):
    help = (
        "Poll feeds (all active ones, one, or a source's); prints one JSON line per feed:"
        " id, url, status (new, not_modified, error, queued), new_items, error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--feed", type=int, metavar="ID")
        which.add_argument("--source", metavar="SLUG")
        parser.add_argument("--sync", action="store_true", help="poll here and now, not queued")

    def handle(self, *args, feed: int | None, source: str | None, sync: bool, **options) -> None:
        feeds = Feed.objects.all()
        if feed is not None:
            feeds = feeds.filter(pk=feed)
            if not feeds.exists():
                raise CommandError(f"No feed with the id {feed}.")
        elif source:
            feeds = feeds.filter(source__slug=source)
        else:
            feeds = feeds.filter(active=True)
        failed = False
        for item in feeds.order_by("id"):
            if sync:
                result = feed_poll(feed_id=item.pk)
            else:
                enqueue(poll_feed, item.pk)
                result = PollResult(id=item.pk, url=item.url or item.query, status="queued")
            failed = failed or result.status == "error"
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        if failed:
            raise SystemExit(1)
