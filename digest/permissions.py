"""The two editorial roles, kept in step with the models after every migrate."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

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
