"""Filters the workbench uses to show an entry as the issue will print it."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from digest.exporters.markdown import publication_of
from digest.models import Entry
from digest.rendering import LeadImage, entry_summary_html
from digest.rendering import lead_image as entry_lead_image

register = template.Library()


@register.filter
def publication(entry: Entry) -> str:
    return publication_of(entry)


@register.filter
def lead_image(entry: Entry) -> LeadImage | None:
    return entry_lead_image(entry)


@register.filter
def summary_html(entry: Entry) -> SafeString:
    return entry_summary_html(entry)
