"""Writes the API needs that the apps' services do not offer yet."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from digest.models import Issue
from digest.services import IssueError
from digest.signals import issue_updated

ISSUE_EDITABLE_FIELDS = ("number", "title", "issue_date", "intro", "stats_override")


def issue_update(*, issue: Issue, data: dict[str, Any]) -> Issue:
    """Change an issue's own fields; a published issue announces the change after commit."""
    changed = [name for name in ISSUE_EDITABLE_FIELDS if name in data]
    number = data.get("number")
    taken = Issue.objects.filter(digest=issue.digest, number=number).exclude(pk=issue.pk)
    if number is not None and taken.exists():
        raise IssueError(f"{issue.digest.name} already has an issue number {number}")
    for name in changed:
        setattr(issue, name, data[name])
    issue.updated_at = timezone.now()
    try:
        with transaction.atomic():
            issue.save(update_fields=[*changed, "updated_at"])
    except IntegrityError:
        raise IssueError(f"{issue.digest.name} already has an issue number {number}") from None
    if issue.is_published():
        transaction.on_commit(lambda: issue_updated.send(sender=Issue, issue=issue))
    return issue
