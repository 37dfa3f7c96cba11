"""Issue exports: one module per format, chosen through one enum."""

from __future__ import annotations

from django.db import models

from digest.models import Issue


class ExportFormat(models.TextChoices):
    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "HTML"
    JSON = "json", "JSON"

    @property
    def content_type(self) -> str:
        return {
            "markdown": "text/markdown; charset=utf-8",
            "html": "text/html; charset=utf-8",
            "json": "application/json",
        }[self.value]

    @property
    def extension(self) -> str:
        return {"markdown": "md", "html": "html", "json": "json"}[self.value]


def export_issue(issue: Issue, fmt: ExportFormat | str) -> str:
    fmt = ExportFormat(fmt)
    if fmt == ExportFormat.MARKDOWN:
        from digest.exporters.markdown import issue_markdown

        return issue_markdown(issue)
    if fmt == ExportFormat.HTML:
        from digest.exporters.html import issue_html

        return issue_html(issue)
    from digest.exporters.json import issue_json

    return issue_json(issue)


def export_filename(issue: Issue, fmt: ExportFormat | str) -> str:
    return f"{issue.digest.slug}-{issue.number}.{ExportFormat(fmt).extension}"
