"""The issue change form never loses an edit: it names the revision it was opened at, and a
save based on an older revision is shown back to the editor instead of overwriting.

Only what the editor changed since that revision is written, so re-applying an edit onto
the current revision leaves another editor's changes to other fields and entries alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.files.base import File
from django.db import connection
from django.db.models.fields.files import FieldFile
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digest import services
from digest.models import Entry, Issue, IssueRevision

REAPPLY = "_reapply_onto"


@dataclass(frozen=True)
class ConflictRow:
    """A field the editor changed that also differs from what is saved now."""

    label: str
    saved: str
    attempted: str


def _comparable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def _shown(value: Any) -> str:
    return str(_comparable(value))


class IssueAdminForm(forms.ModelForm):
    """The issue's fields plus the revision the form was opened at."""

    # Not named `revision`: the admin refuses a form field named after a non-editable one.
    based_on_revision = forms.IntegerField(
        label=gettext_lazy("based on revision"),
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
    )

    class Meta:
        model = Issue
        fields = ["digest", *services.ISSUE_EDITABLE_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["based_on_revision"].initial = self.instance.revision
        self.base_revision: int | None = None
        self.expected_revision: int | None = None
        self.base_snapshot: dict[str, Any] = {}
        self.attempted: dict[str, Any] = {}
        self.conflict: list[ConflictRow] | None = None
        self.current_revision: int | None = None
        self.changes_since: list[IssueRevision] = []

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or self.cleaned_data
        if not self.instance.pk:
            return cleaned
        current = Issue.objects.all()
        # The admin saves in one transaction: the lock keeps anyone else from writing
        # between this check and the save, so the check holds for the inline entries too.
        if connection.in_atomic_block:
            current = current.select_for_update()
        saved = current.get(pk=self.instance.pk)
        base = cleaned.get("based_on_revision") or saved.revision
        reapply = self.data.get(REAPPLY, "")
        self.base_revision = base
        self.expected_revision = int(reapply) if reapply.isdigit() else base
        revision = IssueRevision.objects.filter(issue=saved, number=base).first()
        self.base_snapshot = revision.snapshot if revision else services.issue_snapshot(saved)
        self.attempted = {
            name: cleaned[name]
            for name in services.ISSUE_EDITABLE_FIELDS
            if name in cleaned
            and _comparable(cleaned[name]) != _comparable(self.base_snapshot.get(name))
        }
        if saved.revision != self.expected_revision:
            self._refuse_stale(saved)
        number = self.attempted.get("number")
        others = Issue.objects.filter(digest_id=saved.digest_id).exclude(pk=saved.pk)
        if number is not None and others.filter(number=number).exists():
            # The digest is not a field of this form, so the model's constraint is not checked.
            self.add_error(
                "number",
                _("%(digest)s already has an issue number %(number)s.")
                % {"digest": saved.digest.name, "number": number},
            )
        return cleaned

    def _refuse_stale(self, saved: Issue) -> None:
        """Show what is saved now beside the attempted change; keep the editor's input."""
        self.current_revision = saved.revision
        self.changes_since = list(
            IssueRevision.objects.filter(issue=saved, number__gt=self.base_revision or 0)
            .select_related("author")
            .order_by("number")
        )
        labels = {field.name: field.verbose_name for field in Issue._meta.fields}
        self.conflict = [
            ConflictRow(
                label=str(labels[name]),
                saved=_shown(getattr(saved, name)),
                attempted=_shown(value),
            )
            for name, value in self.attempted.items()
            if _comparable(getattr(saved, name)) != _comparable(value)
        ]
        # The form shown again holds what is saved now plus this editor's own changes.
        data = cast(QueryDict, self.data).copy()
        for name in services.ISSUE_EDITABLE_FIELDS:
            if name not in self.attempted and name in self.fields:
                data[self.add_prefix(name)] = _shown(getattr(saved, name))
        self.data = data
        raise forms.ValidationError(
            _(
                "Someone saved this issue while you were editing it (now revision %(current)s)."
                " Nothing was saved. Compare your changes with the saved issue below, then"
                " re-apply them onto the current revision or discard them."
            )
            % {"current": saved.revision},
            code="stale",
        )


class EntryInlineForm(forms.ModelForm):
    """An entry row; the article of a saved entry is fixed (remove it and add another)."""

    class Meta:
        model = Entry
        fields = ["article", "section", "position", *services.ENTRY_EDITABLE_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The row's fields sit under column headers, not labels: name each for screen readers.
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))
        if self.instance.pk and "article" in self.fields:
            self.fields["article"].disabled = True
            self.fields["article"].help_text = gettext_lazy(
                "To show another article, remove this entry and add one."
            )


def _override_changes(form: forms.ModelForm, base: dict[str, Any] | None) -> dict[str, Any]:
    """The overrides this row changes compared with the revision the form was opened at."""
    changes: dict[str, Any] = {}
    for name in services.ENTRY_EDITABLE_FIELDS:
        if name not in form.cleaned_data:
            continue
        value = form.cleaned_data[name]
        before = (base or {}).get(name, "") if base is not None else form.initial.get(name, "")
        if name == "image_override":
            if isinstance(value, File) and not isinstance(value, FieldFile):
                changes[name] = value  # a new upload, re-encoded by the form
            elif value is False and str(before or ""):
                changes[name] = ""
            continue
        if (value or "") != (before or ""):
            changes[name] = value or ""
    return changes


def entries_save(*, issue: Issue, form: IssueAdminForm, formset: Any, by: Any) -> None:
    """Apply the inline entries through the services, only where this editor changed them.

    Runs after the form's check, inside the same transaction and lock.
    """
    base = {item["article"]: item for item in form.base_snapshot.get("entries", [])}
    # What the admin's history message reads, as formset.save() would have set it.
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for row in formset.deleted_forms:
        if row.instance.pk:
            services.entry_remove(entry=_fresh(row.instance.pk), by=by)
            formset.deleted_objects.append(row.instance)
    posted: list[tuple[int, int]] = []
    for row in formset.forms:
        if row in formset.deleted_forms or (not row.has_changed() and not row.instance.pk):
            continue
        if not row.instance.pk:
            entry, _created = services.entry_add(
                issue=issue,
                article=row.cleaned_data["article"],
                section=row.cleaned_data.get("section") or Entry.Section.MAIN,
                by=by,
            )
            changes = _override_changes(row, {})
            if changes:
                services.entry_update(entry=entry, data=changes, by=by)
            formset.new_objects.append(entry)
            continue
        entry = _fresh(row.instance.pk)
        saved = base.get(entry.article_id)
        section = row.cleaned_data.get("section") or entry.section
        if section != (saved["section"] if saved else entry.section):
            services.entry_move(entry=entry, section=section, by=by)
        changes = _override_changes(row, saved if saved else None)
        if changes:
            services.entry_update(entry=entry, data=changes, by=by)
        if row.has_changed():
            formset.changed_objects.append((entry, row.changed_data))
        position = row.cleaned_data.get("position")
        posted.append((position if position is not None else entry.position, entry.pk))
    _reorder(issue, posted, base, by)


def _fresh(pk: int) -> Entry:
    return Entry.objects.select_related("article", "issue").get(pk=pk)


def _reorder(
    issue: Issue, posted: list[tuple[int, int]], base: dict[int, dict[str, Any]], by: Any
) -> None:
    """Reorder when the editor changed the order of entries the opened revision had."""
    order = [pk for _position, pk in sorted(posted)]
    articles = dict(Entry.objects.filter(issue=issue).values_list("pk", "article_id"))
    known = [pk for pk in order if articles.get(pk) in base]
    before = sorted(known, key=lambda pk: base[articles[pk]]["position"])
    if known == before:
        return
    current = list(issue.entries.order_by("position", "id").values_list("pk", flat=True))
    rest = [pk for pk in current if pk not in order]
    services.entries_reorder(issue=issue, entry_ids=[*order, *rest], by=by)
