from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from sources.models import Source

# Fields a fetch fills in; once an editor changes one by hand, re-fetching leaves it alone.
SCRAPED_FIELDS = (
    "title",
    "source",
    "author",
    "excerpt",
    "summary",
    "image",
    "image_url",
    "image_alt",
    "published_at",
    "related_links",
)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True) or f"tag-{Tag.objects.count() + 1}"
        super().save(*args, **kwargs)


class ArticleQuerySet(models.QuerySet["Article"]):
    def needing_fetch(self) -> ArticleQuerySet:
        return self.filter(
            fetch_state__in=[Article.FetchState.PENDING, Article.FetchState.FETCHING]
        )

    def with_display_relations(self) -> ArticleQuerySet:
        return self.select_related("source").prefetch_related("links", "tags")


class Article(models.Model):
    """One linked page: a WeChat post, an arXiv paper, a GitHub repository or any web page."""

    class Kind(models.TextChoices):
        WECHAT = "wechat", _("WeChat")
        ARXIV = "arxiv", "arXiv"
        GITHUB = "github", "GitHub"
        WEB = "web", _("Web page")

    class FetchState(models.TextChoices):
        PENDING = "pending", _("Pending")
        FETCHING = "fetching", _("Fetching")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    submitted_url = models.URLField(
        _("URL as pasted"),
        max_length=2048,
        help_text=_("As the editor pasted it, minus private per-reader parameters."),
    )
    canonical_url = models.CharField(_("canonical URL"), max_length=2048, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.WEB)
    title = models.CharField(_("title"), max_length=500, blank=True)
    source = models.ForeignKey(
        Source,
        verbose_name=_("publication"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    author = models.CharField(_("author"), max_length=300, blank=True)
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("The editor's summary in Markdown; shown in issues and exports."),
    )
    excerpt = models.TextField(
        _("excerpt"), blank=True, help_text=_("Text taken from the page when fetched.")
    )
    body_text = models.TextField(
        _("page text"),
        blank=True,
        help_text=_("The article's text as fetched, one paragraph a line; for search and quoting."),
    )
    image = models.ImageField(_("lead image"), upload_to="articles/", blank=True, max_length=300)
    image_thumbnail = models.ImageField(
        _("thumbnail"), upload_to="articles/thumbs/", blank=True, max_length=300
    )
    image_url = models.URLField(_("lead image origin URL"), max_length=2048, blank=True)
    image_width = models.PositiveIntegerField(_("image width"), null=True, blank=True)
    image_height = models.PositiveIntegerField(_("image height"), null=True, blank=True)
    image_alt = models.CharField(_("lead image alt text"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")

    fetch_state = models.CharField(
        _("fetch state"),
        max_length=16,
        choices=FetchState.choices,
        default=FetchState.PENDING,
        db_index=True,
    )
    fetch_error = models.TextField(_("fetch error"), blank=True)
    fetch_error_code = models.CharField(_("fetch error code"), max_length=32, blank=True)
    fetch_attempts = models.PositiveIntegerField(_("fetch attempts"), default=0)
    fetched_at = models.DateTimeField(_("last fetch attempt"), null=True, blank=True)
    edited_fields = models.JSONField(
        _("edited fields"),
        default=list,
        blank=True,
        help_text=_("Fields an editor changed by hand; a re-fetch never overwrites them."),
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    edited_at = models.DateTimeField(_("last edited at"), null=True, blank=True)

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

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["-published_at"], name="article_published_idx"),
            # Partial on a column that is never null, so that only the queries that ask
            # for it (the article lists) walk it, not every search in the default order.
            models.Index(
                fields=["-created_at", "-id"],
                name="article_created_idx",
                condition=models.Q(created_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.canonical_url

    @property
    def display_title(self) -> str:
        return self.title or self.canonical_url

    def mark_edited(self, fields: list[str] | set[str]) -> None:
        edited = set(self.edited_fields) | {f for f in fields if f in SCRAPED_FIELDS}
        self.edited_fields = sorted(edited)

    def record_editor(self, by) -> None:
        """Remember who last changed the article by hand (None: a command or import)."""
        self.edited_by = by if by is not None and by.is_authenticated else None
        self.edited_at = timezone.now()

    def is_edited(self, field: str) -> bool:
        return field in self.edited_fields

    def paragraphs(self) -> list[str]:
        """The fetched text's paragraphs, for an editor to pick from."""
        return [line.strip() for line in self.body_text.splitlines() if line.strip()]


class RelatedLink(models.Model):
    """A paper, code, dataset or demo link shown under an article."""

    class Source(models.TextChoices):
        BODY = "body", _("article text")
        METADATA = "metadata", _("page or API metadata")
        EDITOR = "editor", _("editor")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="links"
    )
    label = models.CharField(_("label"), max_length=100)
    url = models.URLField(_("URL"), max_length=2048)
    position = models.PositiveIntegerField(_("position"), default=0, db_index=True)
    source = models.CharField(
        _("found in"),
        max_length=16,
        choices=Source.choices,
        default=Source.EDITOR,
        help_text=_("Where the link came from; a fetch never replaces links an editor set."),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("related link")
        verbose_name_plural = _("related links")

    def __str__(self) -> str:
        return f"{self.label}: {self.url}"
