from django.core.management.base import BaseCommand, CommandError, CommandParser

from digest.exporters import ExportFormat, export_issue
from digest.models import Digest, Issue


class Command(BaseCommand):
    help = "Print an issue as house-style Markdown, paste-ready HTML or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", type=int)
        parser.add_argument("--digest", help="digest slug (needed when several digests exist)")
        parser.add_argument("--format", choices=ExportFormat.values, default="markdown")

    def handle(self, *args, number: int, digest: str | None, format: str, **options) -> None:
        issues = Issue.objects.select_related("digest").filter(number=number)
        if digest:
            if not Digest.objects.filter(slug=digest).exists():
                raise CommandError(f"no digest with slug {digest!r}")
            issues = issues.filter(digest__slug=digest)
        found = list(issues[:2])
        if not found:
            raise CommandError(f"no issue number {number}" + (f" in {digest}" if digest else ""))
        if len(found) > 1:
            raise CommandError(f"several digests have an issue {number}: pass --digest SLUG")
        self.stdout.write(export_issue(found[0], format), ending="")
