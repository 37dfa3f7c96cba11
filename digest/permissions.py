"""The two editorial roles, kept in step with the models after every migrate."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

from digest.models import PublishingPolicy

EDITORS = "Editors"
CONTRIBUTORS = "Contributors"

EDITOR_MODELS = {
    "sources": ["source"],
    "articles": ["article", "relatedlink", "tag"],
    "digest": ["digest", "issue", "entry"],
    "authtoken": ["token", "tokenproxy"],
    "webhooks": ["webhooksubscription", "webhookdelivery"],
    "feeds": ["feed", "feedentry", "feedrule", "inboxitem"],
}
# Editors see failed logins (the admin's login attempts) but only a superuser clears them.
EDITOR_VIEW_ONLY = {"axes": ["view_accessattempt", "view_accessfailurelog"]}
CONTRIBUTOR_CODENAMES = {
    "sources": ["add_source", "change_source", "view_source"],
    "articles": [
        "add_article",
        "change_article",
        "view_article",
        "add_relatedlink",
        "change_relatedlink",
        "delete_relatedlink",
        "view_relatedlink",
        "add_tag",
        "view_tag",
    ],
    "digest": ["view_digest", "view_issue", "view_entry"],
    "feeds": ["view_feed", "view_feedrule", "view_inboxitem", "change_inboxitem"],
}


def ensure_groups() -> None:
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editor_perms = list(
        Permission.objects.filter(
            content_type__app_label__in=EDITOR_MODELS,
            content_type__model__in=[m for models in EDITOR_MODELS.values() for m in models],
        )
    )
    editor_perms += [
        perm
        for app, codenames in EDITOR_VIEW_ONLY.items()
        for perm in Permission.objects.filter(content_type__app_label=app, codename__in=codenames)
    ]
    editors.permissions.set(editor_perms)
    contributors, _ = Group.objects.get_or_create(name=CONTRIBUTORS)
    contributor_perms = [
        perm
        for app, codenames in CONTRIBUTOR_CODENAMES.items()
        for perm in Permission.objects.filter(content_type__app_label=app, codename__in=codenames)
    ]
    contributors.permissions.set(contributor_perms)


TWO_FACTOR_TO_PUBLISH = _("Turn on two-factor authentication to publish.")


def publishing_needs_two_factor(user: Any) -> bool:
    """True when a group of the user's requires two-factor and this login gave no code.

    `is_verified` is set by django_otp's OTPMiddleware on the session's user; a user
    authenticated otherwise (an API token) has none, so is never verified.
    """
    if not user.is_authenticated:
        return False
    if not PublishingPolicy.objects.filter(group__user=user, requires_two_factor=True).exists():
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())
