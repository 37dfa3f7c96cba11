"""Run an extractor on a saved response body: check what a page yields without fetching it."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.extractors import NotAnArticle, extract


class Command(BaseCommand):
    help = (
        "Extract article data from a saved page or API response and print it as JSON. "
        "Exits with status 1 (printing {error, message}) when the body is not an article."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="the article URL the body was fetched for")
        parser.add_argument(
            "--file", required=True, type=Path, help="saved body (HTML, arXiv Atom, GitHub JSON)"
        )
        parser.add_argument(
            "--content-type",
            default="",
            help='the response Content-Type, e.g. "text/html; charset=gbk"',
        )

    def handle(self, *args, url: str, file: Path, content_type: str, **options) -> None:
        try:
            body = file.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}") from None
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from None
        try:
            extracted = extract(url, body, content_type=content_type)
        except NotAnArticle as exc:
            self.stdout.write(self._json({"error": exc.code, "message": exc.message}))
            # Not CommandError: that would print to stderr; the verdict is the JSON on stdout.
            raise SystemExit(1) from None
        self.stdout.write(self._json(extracted.to_dict()))

    @staticmethod
    def _json(data: dict) -> str:
        return json.dumps(data, ensure_ascii=False, indent=2)
