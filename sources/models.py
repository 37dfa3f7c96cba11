from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    """A publication or channel that articles come from."""

    class Kind(models.TextChoices):
        WECHAT = "wechat", _("WeChat official account")
        ARXIV = "arxiv", "arXiv"
        GITHUB = "github", "GitHub"
        WEBSITE = "website", _("Website")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, allow_unicode=True)
    kind = models.CharField(
        _("publication kind"), max_length=16, choices=Kind.choices, default=Kind.WEBSITE
    )
    homepage = models.URLField(_("homepage"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    wechat_biz = models.CharField(
        _("WeChat __biz"),
        max_length=64,
        blank=True,
        help_text=_("The account id in its article links (__biz); matches pasted WeChat URLs."),
    )
    domain = models.CharField(
        _("domain"),
        max_length=253,
        blank=True,
        db_index=True,
        help_text=_("Host name of a website's articles (e.g. spectrum.ieee.org)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="source_unique_kind_name"),
            models.UniqueConstraint(
                fields=["wechat_biz"],
                condition=~Q(wechat_biz=""),
                name="source_unique_wechat_biz",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_source_slug(self.name, self.kind)
        super().save(*args, **kwargs)


def unique_source_slug(name: str, kind: str) -> str:
    base = slugify(name, allow_unicode=True)[:180] or kind
    slug, n = base, 2
    while Source.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
