from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article

DEFAULT_INTRO_TEMPLATE = "本期为 {digest} {number} 期，将为您带来 {count} 条相关新闻，"


class Digest(models.Model):
    """A named newsletter with its own numbering, language and intro."""

    class Numbering(models.TextChoices):
        DATE = "date", _("Date-based (20210219)")
        SEQUENTIAL = "sequential", _("Sequential (1, 2, 3…)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=16,
        default="zh-hans",
        help_text=_(
            "Language of the digest's text (BCP 47, e.g. zh-hans or en); its public pages are"
            " shown in it."
        ),
    )
    numbering = models.CharField(
        _("numbering"), max_length=16, choices=Numbering.choices, default=Numbering.DATE
    )
    intro_template = models.TextField(
        _("intro template"),
        default=DEFAULT_INTRO_TEMPLATE,
        blank=True,
        help_text=_("Starts each new issue's intro. Placeholders: {digest}, {number}, {count}."),
    )
    others_heading = models.CharField(_("“others” heading"), max_length=50, default="其他")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("digest")
        verbose_name_plural = _("digests")

    def __str__(self) -> str:
        return self.name


class IssueQuerySet(models.QuerySet["Issue"]):
    def published(self) -> IssueQuerySet:
        """Issues readers may see: published, or scheduled and due."""
        now = timezone.now()
        return self.filter(
            Q(status=Issue.Status.PUBLISHED)
            | Q(status=Issue.Status.SCHEDULED, published_at__lte=now)
        )

    def for_digest(self, digest: Digest | str) -> IssueQuerySet:
        if isinstance(digest, Digest):
            return self.filter(digest=digest)
        return self.filter(digest__slug=digest)


class Issue(models.Model):
    """One numbered issue of a digest."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    digest = models.ForeignKey(
        Digest, verbose_name=_("digest"), on_delete=models.PROTECT, related_name="issues"
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    issue_date = models.DateField(_("issue date"), default=timezone.localdate)
    intro = models.TextField(
        _("intro"),
        blank=True,
        help_text=_("The editor's note. Placeholders: {digest}, {number}, {count}."),
    )
    stats_override = models.CharField(
        _("stats line override"),
        max_length=200,
        blank=True,
        help_text=_(
            "Leave empty to compute the line with the issue's length and reading time, in the"
            " house style."
        ),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    revision = models.PositiveIntegerField(
        _("revision"),
        default=1,
        editable=False,
        help_text=_("Goes up by one with every saved change."),
    )

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        constraints = [
            models.UniqueConstraint(fields=["digest", "number"], name="issue_unique_number"),
        ]
        indexes = [models.Index(fields=["-issue_date", "-number"], name="issue_date_number_idx")]
        permissions = [("publish_issue", "Can publish and unpublish issues")]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("archive:issue", kwargs={"digest": self.digest.slug, "number": self.number})

    @property
    def display_title(self) -> str:
        return self.title or f"{self.digest.name} {self.number}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from digest.housestyle import is_stats_line

        if self.stats_override and not is_stats_line(self.stats_override):
            raise ValidationError(
                {
                    "stats_override": _(
                        "Write it in the house style, with the issue's length and reading time"
                        " (本文一共 N 字，通篇阅读结束需要 a~b 分钟)."
                    )
                }
            )

    def is_published(self) -> bool:
        if self.status == self.Status.PUBLISHED:
            return True
        return (
            self.status == self.Status.SCHEDULED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


class Entry(models.Model):
    """An article placed in an issue, in the main list or the final “others” list."""

    class Section(models.TextChoices):
        MAIN = "main", _("Main")
        OTHERS = "others", _("Others")

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="entries"
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.PROTECT, related_name="entries"
    )
    position = models.PositiveIntegerField(_("position"), default=0, db_index=True)
    section = models.CharField(
        _("section"), max_length=16, choices=Section.choices, default=Section.MAIN
    )
    title_override = models.CharField(_("title override"), max_length=500, blank=True)
    summary_override = models.TextField(_("summary override"), blank=True)
    image_override = models.ImageField(
        _("image override"), upload_to="entries/", blank=True, max_length=300
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Not stored: the API sets it on the entries it numbers (1-based, within the section).
    number_in_section: int

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(fields=["issue", "article"], name="entry_unique_article"),
            models.UniqueConstraint(
                fields=["issue", "section", "position"], name="entry_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_override or self.article.display_title

    @property
    def summary(self) -> str:
        return self.summary_override or self.article.summary or self.article.excerpt

    @property
    def anchor(self) -> str:
        """Stable across reordering: tied to the article, not the position."""
        return f"a{self.article_id}"


class IssueRevision(models.Model):
    """One saved state of an issue: who changed it, when, what, and enough to restore it."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("number"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    summary = models.CharField(_("summary"), max_length=300)
    snapshot = models.JSONField(_("snapshot"))

    class Meta:
        verbose_name = _("issue revision")
        verbose_name_plural = _("issue revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "number"], name="issue_revision_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return _("revision %(number)d") % {"number": self.number}


class ContentChange(models.Model):
    """One change to what published pages show; the newest row is the content version.

    Kept in the database, not the cache, so every process agrees on it whatever happened
    to Redis, and a change becomes visible to readers exactly when its transaction commits.
    Rows are only ever inserted, so writers never wait for one another; old rows are pruned.
    """

    at = models.DateTimeField(default=timezone.now)

    class Meta:
        get_latest_by = "pk"

    def __str__(self) -> str:
        return f"{self.pk} at {self.at.isoformat()}"


class PublishingPolicy(models.Model):
    """What members of a group must have done before they may publish or unpublish."""

    group = models.OneToOneField(
        "auth.Group",
        on_delete=models.CASCADE,
        related_name="publishing_policy",
        verbose_name=_("group"),
    )
    requires_two_factor = models.BooleanField(
        _("requires two-factor authentication"),
        default=True,
        help_text=_(
            "Members publish only from an admin login that gave a two-factor code; API tokens"
            " cannot publish for them."
        ),
    )

    class Meta:
        verbose_name = _("publishing policy")
        verbose_name_plural = _("publishing policies")

    def __str__(self) -> str:
        return self.group.name
