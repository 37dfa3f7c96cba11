"""Every admin page an editor can reach opens: changelist, add page and change page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from articles.models import RelatedLink, Tag
from digest.models import PublishingPolicy
from feeds.models import Feed, FeedRule, InboxItem
from tests.factories import ArticleFactory, DigestFactory, EntryFactory, SourceFactory, editor
from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db


def _feed() -> Feed:
    return Feed.objects.create(source=SourceFactory.create(), url="https://bridge.example/a.xml")


def _inbox_item() -> InboxItem:
    feed = _feed()
    return InboxItem.objects.create(
        digest=DigestFactory.create(), article=ArticleFactory.create(), feed=feed
    )


def _failed_login() -> int:
    AccessFailureLog.objects.create(
        username="mallory", ip_address="198.51.100.9", user_agent="curl", path_info="/admin/login/"
    )
    return AccessAttempt.objects.create(
        username="mallory",
        ip_address="198.51.100.9",
        user_agent="curl",
        path_info="/admin/login/",
        get_data="",
        post_data="username=mallory",
        failures_since_start=2,
    ).pk


def _subscription_with_deliveries() -> WebhookSubscription:
    subscription = WebhookSubscription.objects.create(
        name="Newsletter", target_url="https://93.184.216.34/in", events=["issue.published"]
    )
    for number in range(25):
        WebhookDelivery.objects.create(
            subscription=subscription, event="issue.published", payload={"n": number}
        )
    return subscription


# One object of each registered model; the primary key its change page is addressed by.
MAKERS: dict[str, Callable[[User], Any]] = {
    "axes.accessattempt": lambda user: _failed_login(),
    "axes.accessfailurelog": lambda user: (_failed_login(), AccessFailureLog.objects.get().pk)[1],
    "auth.group": lambda user: Group.objects.get(name="Editors").pk,
    "auth.user": lambda user: user.pk,
    "authtoken.tokenproxy": lambda user: Token.objects.create(user=user).user_id,
    "sources.source": lambda user: SourceFactory.create().pk,
    "articles.tag": lambda user: Tag.objects.create(name="大模型").pk,
    "articles.article": lambda user: (
        RelatedLink.objects.create(
            article=ArticleFactory.create(), url="https://example.com/more", label="代码"
        ).article_id
    ),
    "feeds.feed": lambda user: _feed().pk,
    "feeds.feedrule": lambda user: (
        FeedRule.objects.create(feed=_feed(), action="exclude", pattern="招聘").pk
    ),
    "feeds.inboxitem": lambda user: _inbox_item().pk,
    "digest.publishingpolicy": lambda user: (
        PublishingPolicy.objects.create(group=Group.objects.get(name="Editors")).pk
    ),
    "digest.digest": lambda user: DigestFactory.create().pk,
    "digest.issue": lambda user: EntryFactory.create().issue_id,
    "webhooks.webhooksubscription": lambda user: _subscription_with_deliveries().pk,
    "webhooks.webhookdelivery": lambda user: _subscription_with_deliveries().deliveries.first().pk,
}


def _registered() -> list[type[Model]]:
    return sorted(admin.site._registry, key=lambda model: model._meta.label_lower)


def _pages(model: type[Model], pk: Any) -> dict[str, str]:
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    return {
        "changelist": reverse(f"{name}_changelist"),
        "add": reverse(f"{name}_add"),
        "change": reverse(f"{name}_change", args=[pk]),
    }


def test_every_registered_model_has_a_maker() -> None:
    missing = {m._meta.label_lower for m in _registered()} - set(MAKERS)
    assert not missing, f"add a maker for {sorted(missing)}"


@pytest.mark.parametrize("label", sorted(MAKERS))
def test_editor_opens_every_admin_page_of_the_model(label: str) -> None:
    model = next(m for m in _registered() if m._meta.label_lower == label)
    user = editor()
    pk = MAKERS[label](user)
    model_admin = admin.site._registry[model]
    client = Client()
    client.force_login(user)
    request = client.get("/admin/").wsgi_request
    if not model_admin.has_view_permission(request):
        # Not an editor's model (users and groups): an editor is refused, a superuser gets in.
        assert client.get(_pages(model, pk)["changelist"]).status_code == 403
        client.force_login(User.objects.create_superuser("root", password="pw"))
        request = client.get("/admin/").wsgi_request
    for page, url in _pages(model, pk).items():
        response = client.get(url)
        if page == "add" and not model_admin.has_add_permission(request):
            assert response.status_code == 403, url
        else:
            assert response.status_code == 200, f"{url}: {response.status_code}"


def test_subscription_page_lists_its_latest_deliveries() -> None:
    user = editor()
    subscription = _subscription_with_deliveries()
    client = Client()
    client.force_login(user)
    response = client.get(
        reverse("admin:webhooks_webhooksubscription_change", args=[subscription.pk])
    )
    assert response.status_code == 200
    shown = response.context["inline_admin_formsets"][0].formset.get_queryset()
    newest = list(subscription.deliveries.order_by("-created_at", "-pk")[:20])
    assert list(shown) == newest


def test_subscription_saves_with_its_deliveries_shown() -> None:
    user = editor()
    subscription = _subscription_with_deliveries()
    client = Client()
    client.force_login(user)
    url = reverse("admin:webhooks_webhooksubscription_change", args=[subscription.pk])
    form = client.get(url).context["adminform"].form
    inline = client.get(url).context["inline_admin_formsets"][0].formset
    data = {
        "name": "Renamed",
        "target_url": subscription.target_url,
        "events": subscription.events,
        "active": "on",
        "secret": subscription.secret,
        f"{inline.prefix}-TOTAL_FORMS": str(len(inline.forms)),
        f"{inline.prefix}-INITIAL_FORMS": str(len(inline.forms)),
        f"{inline.prefix}-MIN_NUM_FORMS": "0",
        f"{inline.prefix}-MAX_NUM_FORMS": "0",
    }
    for index, delivery_form in enumerate(inline.forms):
        data[f"{inline.prefix}-{index}-id"] = str(delivery_form.instance.pk)
        data[f"{inline.prefix}-{index}-subscription"] = str(subscription.pk)
    assert form is not None
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    subscription.refresh_from_db()
    assert subscription.name == "Renamed"
