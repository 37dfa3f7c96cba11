import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from feeds.interchange import feeds_import_opml
from feeds.lookups import digest_id_for
from feeds.opml import OPMLError


class Command(BaseCommand):
    help = "Add the feeds an OPML file lists; prints how many were added as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", type=Path)
        parser.add_argument("--digest", metavar="SLUG", help="the digest whose inbox they feed")

    def handle(self, *args, file: Path, digest: str | None, **options) -> None:
        try:
            digest_id = digest_id_for(digest) if digest else None
            report = feeds_import_opml(data=file.read_bytes(), digest_id=digest_id)
        except (OSError, LookupError, OPMLError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
