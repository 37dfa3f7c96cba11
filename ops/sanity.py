"""Sanity checks of a restored database, run against the configured database."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from articles.models import Article
from digest.exporters import ExportFormat, export_issue
from digest.housestyle import HouseStyleError, parse_issue_markdown
from digest.models import Digest, Entry, Issue
from digest.selectors import issue_content
from ops.backup import BackupCheckError


def check_migrations(*, migrate: bool) -> str:
    """The schema is this code's: no migrations from elsewhere, none pending (or applied)."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        raise BackupCheckError("no django_migrations table: not a Briefroom database")
    executor = MigrationExecutor(connection)
    applied = set(recorder.applied_migrations())
    unknown = sorted(applied - set(executor.loader.disk_migrations))
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown)
        raise BackupCheckError(f"the dump has migrations this code does not know: {names}")
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending and not migrate:
        raise BackupCheckError(f"{len(pending)} migrations not applied: run manage.py migrate")
    if not pending:
        return f"migrations: {len(applied)} applied, as this code expects"
    call_command("migrate", interactive=False, verbosity=0)
    return f"migrations: {len(applied)} applied, {len(pending)} more applied to this copy"


def count_rows() -> list[str]:
    return [
        f"digests: {Digest.objects.count()}",
        f"issues: {Issue.objects.count()}",
        f"entries: {Entry.objects.count()}",
        f"articles: {Article.objects.count()}",
    ]


def check_export() -> str:
    """The latest issue renders to house-style Markdown that reads back with its entries."""
    issue = Issue.objects.select_related("digest").order_by("-issue_date", "-number").first()
    if issue is None:
        return "export: no issue to export"
    content = issue_content(issue)
    markdown = export_issue(issue, ExportFormat.MARKDOWN)
    try:
        parsed = parse_issue_markdown(markdown)
    except HouseStyleError as exc:
        raise BackupCheckError(f"issue {issue.number} exports unreadable Markdown: {exc}") from exc
    if (len(parsed.entries), len(parsed.others)) != (len(content.main), len(content.others)):
        raise BackupCheckError(f"issue {issue.number} lost entries in its Markdown export")
    return (
        f"export: {issue.digest.slug} {issue.number} to Markdown, {len(parsed.entries)} entries"
        f" and {len(parsed.others)} others ({len(markdown)} characters)"
    )


def sanity_report(*, migrate: bool) -> list[str]:
    return [check_migrations(migrate=migrate), *count_rows(), check_export()]
