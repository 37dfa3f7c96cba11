from collections.abc import Iterable
from pathlib import Path
from typing import TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from digest.housestyle import HouseStyleError
from digest.importer import IssueImportError, issue_import_markdown
from digest.models import Digest, Issue


class Command(BaseCommand):
    help = "Import a house-style Markdown issue (or a folder of them); prints each issue number."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a .md file, or a folder of .md files")
        parser.add_argument("--digest", help="digest slug; default: named by the intro")
        parser.add_argument("--status", choices=Issue.Status.values, default="published")

    def handle(self, *args, path: Path, digest: str | None, status: str, **options) -> None:
        target = None
        if digest:
            target = Digest.objects.filter(slug=digest).first()
            if target is None:
                raise CommandError(f"no digest with slug {digest!r}")
        if path.is_dir():
            files = sorted(path.glob("*.md"))
            if not files:
                raise CommandError(f"no .md files in {path}")
        elif path.is_file():
            files = [path]
        else:
            raise CommandError(f"{path} does not exist")
        failures = 0
        for file in self._progress(files):
            try:
                text = file.read_text(encoding="utf-8-sig")
                result = issue_import_markdown(text=text, digest=target, status=status)
            except (HouseStyleError, IssueImportError, UnicodeDecodeError) as exc:
                failures += 1
                self.stderr.write(f"{file}: {exc}")
                continue
            for warning in result.warnings:
                self.stderr.write(f"{file}: {warning}")
            self.stdout.write(str(result.issue.number))
        if failures:
            raise CommandError(f"{failures} of {len(files)} file(s) could not be imported")

    def _progress(self, files: list[Path]) -> Iterable[Path]:
        if len(files) < 2:
            return files
        from tqdm import tqdm

        # The bar draws on the raw stream: OutputWrapper would end each redraw with a newline.
        # Its stub types unknown attributes as methods, so name the stream's real type.
        stream = cast(TextIO, self.stderr._out)
        return tqdm(files, desc="Importing", unit="issue", file=stream)
