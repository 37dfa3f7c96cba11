from django.core.management.base import BaseCommand

from feeds.interchange import feeds_export_opml


class Command(BaseCommand):
    help = "Write every feed as OPML to standard output."

    def handle(self, *args, **options) -> None:
        self.stdout.write(feeds_export_opml().decode("utf-8"), ending="")
