from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from webhooks import services
from webhooks.models import Event, WebhookDelivery, WebhookSubscription

STATE_COLOURS = {"pending": "#777", "delivered": "#1a7f37", "failed": "#cf222e"}


class SubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "target_url", "events", "active", "secret"]


LATEST_DELIVERIES = 20


class LatestDeliveriesFormSet(BaseInlineFormSet):
    """Only the newest deliveries: the formset filters by subscription first, then we slice."""

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            self._queryset = super().get_queryset()[:LATEST_DELIVERIES]
        return self._queryset


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    formset = LatestDeliveriesFormSet
    readonly_fields = ["event", "state", "status_code", "attempts", "last_error", "created_at"]
    fields = [*readonly_fields]
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    ordering = ["-created_at", "-pk"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["name", "target_url", "event_list", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "target_url"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [DeliveryInline]

    @admin.display(description=_("events"))
    def event_list(self, obj: WebhookSubscription) -> str:
        return ", ".join(obj.events)

    def save_model(self, request, obj: WebhookSubscription, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "subscription", "state_badge", "status_code", "attempts", "created_at"]
    list_filter = ["state", "event", "subscription"]
    list_select_related = ["subscription"]
    search_fields = ["uuid", "last_error"]
    readonly_fields = [
        "uuid",
        "subscription",
        "event",
        "payload",
        "state",
        "status_code",
        "attempts",
        "last_error",
        "delivered_at",
        "created_at",
        "updated_at",
    ]
    actions = ["redeliver"]

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, obj: WebhookDelivery) -> str:
        return format_html(
            '<span style="color:#fff;background:{};padding:1px 6px;border-radius:8px">{}</span>',
            STATE_COLOURS.get(obj.state, "#777"),
            obj.get_state_display(),
        )

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Send selected deliveries again"), permissions=["change"])
    def redeliver(self, request, queryset) -> None:
        for delivery in queryset.select_related("subscription"):
            services.delivery_redeliver(delivery=delivery)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Queued %(count)d delivery again.", "Queued %(count)d deliveries again.", count
            )
            % {"count": count},
            messages.INFO,
        )
