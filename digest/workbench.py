"""Reads and forms of the issue workbench: candidates, the issue as it will read, arranging.

The workbench page and its fragments call these; every write still goes through
digest.services, which keeps the revision check and the revision history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.fetch_errors import fetch_error_sentence
from articles.forms import ReencodedImageField
from articles.models import Article, Tag
from digest import services
from digest.exporters.markdown import content_stats_line
from digest.models import Entry, Issue
from digest.search import newest_matching_ids, search_terms
from digest.selectors import IssueContent, issue_content, render_intro
from sources.models import Source

RECENT_DAYS = 14
MAX_CANDIDATES = 60


class CandidateFilterForm(forms.Form):
    """What the candidates pane lists: recent, unused articles unless asked otherwise."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    source = forms.ModelChoiceField(
        label=_("Publication"), queryset=Source.objects.order_by("name"), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *Article.Kind.choices], required=False
    )
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=Tag.objects.all(), required=False)
    fetch_state = forms.ChoiceField(
        label=_("Fetch state"),
        choices=[("", _("Any state")), *Article.FetchState.choices],
        required=False,
    )
    anytime = forms.BooleanField(label=_("Older than 14 days too"), required=False)
    used = forms.BooleanField(label=_("Already in another issue too"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].empty_label = _("Any publication")  # type: ignore[attr-defined]
        self.fields["tag"].empty_label = _("Any tag")  # type: ignore[attr-defined]


@dataclass
class Candidate:
    """An article the issue could take, with the other issues of the digest that have it."""

    article: Article
    used_in: list[int]

    @property
    def thumbnail(self) -> str:
        article = self.article
        image = article.image_thumbnail or article.image
        return image.url if image else article.image_url

    @property
    def error(self) -> str:
        return fetch_error_sentence(self.article.fetch_error_code, self.article.fetch_error)


def workbench_candidates(*, issue: Issue, filters: dict[str, Any]) -> list[Candidate]:
    """Articles not in this issue, newest first, in a fixed number of queries."""
    # created_at is never null: saying so lets PostgreSQL walk the newest-first index and
    # stop at the page's rows, however many articles the archive has.
    articles = Article.objects.filter(created_at__isnull=False).exclude(entries__issue=issue)
    if not filters.get("anytime"):
        since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
        articles = articles.filter(
            Q(fetched_at__gte=since) | Q(fetched_at__isnull=True, created_at__gte=since)
        )
    if not filters.get("used"):
        articles = articles.exclude(entries__issue__digest_id=issue.digest_id)
    for name in ("source", "kind", "tag", "fetch_state"):
        if filters.get(name):
            lookup = "tags" if name == "tag" else name
            articles = articles.filter(**{lookup: filters[name]})
    terms = search_terms(filters.get("q") or "")
    if terms:
        articles = articles.filter(pk__in=newest_matching_ids(terms))
    others = (
        Entry.objects.filter(issue__digest_id=issue.digest_id)
        .exclude(issue=issue)
        .select_related("issue")
        .order_by("issue__number")
    )
    rows = (
        articles.select_related("source")
        .prefetch_related(Prefetch("entries", queryset=others, to_attr="digest_entries"))
        .order_by("-created_at", "-pk")[:MAX_CANDIDATES]
    )
    return [
        Candidate(article=a, used_in=[e.issue.number for e in getattr(a, "digest_entries", [])])
        for a in rows
    ]


@dataclass
class IssueView:
    """The issue as it will read: filled intro, stats line, entries by section."""

    content: IssueContent
    intro: str
    stats_line: str

    @property
    def issue(self) -> Issue:
        return self.content.issue


def issue_view(issue: Issue) -> IssueView:
    content = issue_content(issue)
    return IssueView(content=content, intro=content.intro, stats_line=content_stats_line(content))


def intro_preview(issue: Issue, intro: str) -> str:
    """The intro as it would read with the issue's current length."""
    count = issue.entries.filter(section=Entry.Section.MAIN).count()
    draft = Issue(digest=issue.digest, number=issue.number, intro=intro)
    return render_intro(draft, count=count)


def _order(issue: Issue) -> dict[str, list[int]]:
    rows = Entry.objects.filter(issue=issue).order_by("position", "id")
    order: dict[str, list[int]] = {section: [] for section in Entry.Section.values}
    for pk, section in rows.values_list("pk", "section"):
        order[section].append(pk)
    return order


def entry_arrange(
    *, entry: Entry, section: str, index: int, by: Any, expected_revision: int | None
) -> None:
    """Put an entry at `index` of `section`: a move when the section changes, then an order.

    Said as a place rather than a whole order, so the same change can be applied again to
    a newer revision of the issue that other editors changed in the meantime.
    """
    issue = entry.issue
    with transaction.atomic():
        if entry.section != section:
            services.entry_move(
                entry=entry, section=section, by=by, expected_revision=expected_revision
            )
            expected_revision = issue.revision
        elif expected_revision is not None:
            # Checked here too: a drop that changes nothing still answers a stale page.
            current = Issue.objects.values_list("revision", flat=True).get(pk=issue.pk)
            if current != expected_revision:
                raise services.StaleRevision(
                    current=current, attempted={"entry": entry.pk, "section": section}
                )
        order = _order(issue)
        for ids in order.values():
            if entry.pk in ids:
                ids.remove(entry.pk)
        target = order[section]
        target.insert(max(0, min(index, len(target))), entry.pk)
        services.entries_reorder(
            issue=issue,
            entry_ids=[pk for s in Entry.Section.values for pk in order[s]],
            by=by,
            expected_revision=expected_revision,
        )


def entry_place(
    *,
    issue: Issue,
    article: Article,
    section: str,
    index: int | None,
    by: Any,
    expected_revision: int | None,
) -> Entry:
    """Add an article to the issue, at `index` of `section` when given (else at its end)."""
    with transaction.atomic():
        entry, created = services.entry_add(
            issue=issue,
            article=article,
            section=section,
            by=by,
            expected_revision=expected_revision,
        )
        if created and index is not None:
            entry.issue = issue
            entry_arrange(
                entry=entry,
                section=section,
                index=index,
                by=by,
                expected_revision=issue.revision,
            )
    return entry


class PlaceForm(forms.Form):
    section = forms.ChoiceField(choices=Entry.Section.choices)
    index = forms.IntegerField(min_value=0, required=False)


class EntryEditForm(forms.Form):
    """An entry's overrides; an empty field shows the article's own text again."""

    title_override = forms.CharField(label=_("Title"), max_length=500, required=False)
    summary_override = forms.CharField(
        label=_("Summary (Markdown)"), widget=forms.Textarea, required=False
    )
    image_override = ReencodedImageField(label=_("Lead image"), required=False)
    clear_image = forms.BooleanField(label=_("Use the article's image"), required=False)

    def changes(self, names: list[str]) -> dict[str, Any]:
        """The submitted fields as the service takes them."""
        data = {
            n: self.cleaned_data[n] for n in names if n in ("title_override", "summary_override")
        }
        if self.cleaned_data.get("image_override"):
            data["image_override"] = self.cleaned_data["image_override"]
        elif self.cleaned_data.get("clear_image"):
            data["image_override"] = ""
        return data


class IssueEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    intro = forms.CharField(label=_("Intro"), widget=forms.Textarea, required=False)


def issue_entries(issue: Issue) -> QuerySet[Entry]:
    return Entry.objects.filter(issue=issue).select_related("article", "issue__digest")
