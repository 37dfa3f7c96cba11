"""Finding or creating the publication an article belongs to."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from sources.models import Source

KIND_FOR_ARTICLE = {"wechat": "wechat", "arxiv": "arxiv", "github": "github", "web": "website"}
DEFAULT_NAMES = {"arxiv": "arXiv", "github": "GitHub"}
DEFAULT_HOMEPAGES = {"arxiv": "https://arxiv.org/", "github": "https://github.com/"}


def source_get_or_create(
    *,
    kind: str,
    name: str = "",
    wechat_biz: str = "",
    domain: str = "",
    homepage: str = "",
) -> Source | None:
    """The source matching these identifiers, created if new; None when nothing names it.

    WeChat accounts match by `__biz` first (names change, the id does not), then by
    name; websites by domain, then name; arXiv and GitHub are one source each.
    """
    kind = KIND_FOR_ARTICLE.get(kind, kind)
    name = " ".join(name.split())[:200] or DEFAULT_NAMES.get(kind, "")
    domain = domain.lower()
    source = _find(kind=kind, name=name, wechat_biz=wechat_biz, domain=domain)
    if source is None:
        if not name:
            return None
        try:
            with transaction.atomic():
                source = Source.objects.create(
                    kind=kind,
                    name=name,
                    wechat_biz=wechat_biz,
                    domain=domain,
                    homepage=homepage or DEFAULT_HOMEPAGES.get(kind, ""),
                )
        except IntegrityError:  # created concurrently
            source = _find(kind=kind, name=name, wechat_biz=wechat_biz, domain=domain)
            assert source is not None
        return source
    changed = []
    if wechat_biz and not source.wechat_biz:
        source.wechat_biz = wechat_biz
        changed.append("wechat_biz")
    if domain and not source.domain:
        source.domain = domain
        changed.append("domain")
    if homepage and not source.homepage:
        source.homepage = homepage
        changed.append("homepage")
    if changed:
        source.save(update_fields=[*changed, "updated_at"])
    return source


def _find(*, kind: str, name: str, wechat_biz: str, domain: str) -> Source | None:
    sources = Source.objects.filter(kind=kind)
    if wechat_biz:
        found = sources.filter(wechat_biz=wechat_biz).first()
        if found:
            return found
    if name:
        found = sources.filter(name=name).first()
        if found:
            return found
    if domain and kind == Source.Kind.WEBSITE and not name:
        return sources.filter(domain=domain).first()
    return None
