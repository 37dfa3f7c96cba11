from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from sources.models import Source

MAX_INTERVAL = timedelta(hours=24)


class FeedQuerySet(models.QuerySet["Feed"]):
    def due(self, now: datetime) -> FeedQuerySet:
        return self.filter(active=True, next_poll_at__lte=now)


class Feed(models.Model):
    """Where a source publishes: a feed URL, an arXiv query or a GitHub repository."""

    class Kind(models.TextChoices):
        FEED = "feed", _("RSS, Atom, RDF or JSON Feed")
        ARXIV = "arxiv", _("arXiv query")
        GITHUB = "github", _("GitHub releases")

    class Status(models.TextChoices):
        NEVER = "never", _("Never polled")
        OK = "ok", _("OK")
        ERROR = "error", _("Error")
        PAUSED = "paused", _("Paused")

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="feeds"
    )
    digest = models.ForeignKey(
        "digest.Digest",
        verbose_name=_("digest"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("New items go to this digest's inbox."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.FEED)
    url = models.URLField(
        _("feed URL"), max_length=2048, blank=True, help_text=_("For RSS, Atom, RDF or JSON Feed.")
    )
    query = models.CharField(
        _("query"),
        max_length=500,
        blank=True,
        help_text=_("arXiv: a category (cs.CL) or a search expression. GitHub: owner/repository."),
    )
    title = models.CharField(_("title"), max_length=500, blank=True)
    interval_minutes = models.PositiveIntegerField(
        _("poll interval (minutes)"), default=settings.FEED_POLL_INTERVAL_MINUTES
    )
    feed_data_is_enough = models.BooleanField(
        _("feed data is enough"),
        default=False,
        help_text=_("Keep the feed's title, summary and date; do not fetch the page."),
    )
    active = models.BooleanField(_("active"), default=True)
    paused_reason = models.CharField(_("paused because"), max_length=500, blank=True)

    etag = models.CharField(_("ETag"), max_length=500, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEVER
    )
    last_polled_at = models.DateTimeField(_("last poll"), null=True, blank=True)
    next_poll_at = models.DateTimeField(_("next poll"), default=timezone.now, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_code = models.CharField(max_length=32, blank=True)
    consecutive_errors = models.PositiveIntegerField(_("consecutive errors"), default=0)
    last_new_items = models.PositiveIntegerField(_("new items in the last poll"), default=0)
    last_skipped_items = models.PositiveIntegerField(_("items skipped in the last poll"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["source__name", "id"]
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "url", "query"], name="feed_unique_kind_url_query"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"{self.get_kind_display()}: {self.query}"

    def clean(self) -> None:
        if self.kind == self.Kind.FEED and not self.url:
            raise ValidationError({"url": _("A feed needs its URL.")})
        if self.kind != self.Kind.FEED and not self.query:
            raise ValidationError({"query": _("Give the arXiv query or the GitHub repository.")})
        if self.kind == self.Kind.GITHUB and not re.fullmatch(r"[\w.-]+/[\w.-]+", self.query):
            raise ValidationError({"query": _("Write the repository as owner/name.")})

    def retry_delay(self) -> timedelta:
        """The interval, doubled for each consecutive error, at most 24 hours."""
        base = timedelta(minutes=max(1, self.interval_minutes))
        return min(base * (2 ** min(self.consecutive_errors, 16)), MAX_INTERVAL)


class FeedEntry(models.Model):
    """An item a feed has delivered, so that it is taken once. `article` is empty for
    items left out (older than the newest ones of a first poll, or excluded by a rule)."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    key = models.CharField(max_length=40)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feed", "key"], name="feedentry_unique_feed_key")
        ]

    def __str__(self) -> str:
        return self.key


class InboxItemQuerySet(models.QuerySet["InboxItem"]):
    def for_digest(self, digest_id: int) -> InboxItemQuerySet:
        return self.filter(digest_id=digest_id)

    def open(self) -> InboxItemQuerySet:
        return self.exclude(state=InboxItem.State.DISMISSED)


class InboxItem(models.Model):
    """An article offered to a digest, with the editors' triage of it."""

    class State(models.TextChoices):
        NEW = "new", _("New")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        DISMISSED = "dismissed", _("Dismissed")

    digest = models.ForeignKey(
        "digest.Digest", verbose_name=_("digest"), on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="inbox_items"
    )
    feed = models.ForeignKey(
        Feed,
        verbose_name=_("feed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbox_items",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.NEW, db_index=True
    )
    arrived_at = models.DateTimeField(_("arrived"), default=timezone.now)
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InboxItemQuerySet.as_manager()

    class Meta:
        ordering = ["-arrived_at", "-id"]
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox")
        constraints = [
            models.UniqueConstraint(
                fields=["digest", "article"], name="inbox_unique_digest_article"
            )
        ]
        indexes = [models.Index(fields=["digest", "state", "-arrived_at"], name="inbox_triage_idx")]

    def __str__(self) -> str:
        return str(self.article)


def validate_regex(value: str) -> None:
    try:
        re.compile(value)
    except re.error as error:
        raise ValidationError(
            _("Not a valid regular expression: %(error)s"), params={"error": error}
        ) from None


class FeedRule(models.Model):
    """Include or exclude arriving items whose title or summary matches a pattern."""

    class Action(models.TextChoices):
        INCLUDE = "include", _("Only take items that match")
        EXCLUDE = "exclude", _("Never take items that match")

    feed = models.ForeignKey(
        Feed,
        verbose_name=_("feed"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
    )
    digest = models.ForeignKey(
        "digest.Digest",
        verbose_name=_("digest"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    pattern = models.CharField(
        _("pattern"),
        max_length=500,
        validators=[validate_regex],
        help_text=_("A regular expression, matched case-insensitively, e.g. LLM|Agent"),
    )

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(feed__isnull=False) | models.Q(digest__isnull=False),
                name="feedrule_has_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.pattern}"
