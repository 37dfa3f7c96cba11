"""Webhook subscriptions and their deliveries, for integrations and Editors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import WRITE_ERRORS, ApiListView, ApiView, errors, id_parameter, parse_id
from api.fields import Text, Url
from digest.representation import PASTED_URL_HELP, LinkField, choice_field
from webhooks import services
from webhooks.models import Event, WebhookDelivery, WebhookSubscription

AUTH_READ_ERRORS = (400, 401, 403, 404, 429)
EventField = choice_field("WebhookEventEnum", Event)
WEBHOOK_ID = id_parameter("id", "The subscription's id.")
PERMS = {
    "GET": "webhooks.view_webhooksubscription",
    "POST": "webhooks.add_webhooksubscription",
    "PATCH": "webhooks.change_webhooksubscription",
    "DELETE": "webhooks.delete_webhooksubscription",
}


class WebhookOutput(serializers.ModelSerializer):
    url = LinkField("webhook-detail")
    deliveries_url = LinkField("webhook-deliveries")
    events = serializers.ListField(child=EventField())
    target_url = serializers.CharField(help_text=PASTED_URL_HELP)

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "url",
            "deliveries_url",
            "name",
            "target_url",
            "events",
            "active",
            "created_at",
            "updated_at",
        ]


class WebhookCreatedOutput(WebhookOutput):
    """Only the answer to a create shows the secret; keep it to verify signatures."""

    class Meta(WebhookOutput.Meta):
        fields = [*WebhookOutput.Meta.fields, "secret"]


class WebhookDeliveryOutput(serializers.ModelSerializer):
    event = EventField()

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "uuid",
            "event",
            "state",
            "status_code",
            "attempts",
            "last_error",
            "delivered_at",
            "created_at",
        ]


class WebhookInput(serializers.Serializer):
    name = Text(max_length=100)
    target_url = Url(max_length=2048)
    events = serializers.ListField(child=EventField(), min_length=1, max_length=10)
    active = serializers.BooleanField(default=True)


def subscription_or_404(pk: str) -> WebhookSubscription:
    subscription = WebhookSubscription.objects.filter(pk=parse_id(pk)).first()
    if subscription is None:
        raise NotFound(_("No such webhook subscription."))
    return subscription


def saved(call: Any) -> WebhookSubscription:
    """Run a service call; the model's checks (e.g. a private target) become field errors."""
    try:
        return call()
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.message_dict) from None


class WebhookListApi(ApiListView):
    perms = PERMS
    serializer_class = WebhookOutput
    queryset = WebhookSubscription.objects.all()
    search_fields = ["name", "target_url"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name", "id"]

    @extend_schema(responses={200: WebhookOutput(many=True), **errors(*AUTH_READ_ERRORS)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=WebhookInput, responses={201: WebhookCreatedOutput, **errors(*WRITE_ERRORS)}
    )
    def post(self, request: Request) -> Response:
        data = WebhookInput(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = saved(
            lambda: services.subscription_create(**data.validated_data, by=request.user)
        )
        output = WebhookCreatedOutput(subscription, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


class WebhookDetailApi(ApiView):
    perms = PERMS

    @extend_schema(
        parameters=[WEBHOOK_ID], responses={200: WebhookOutput, **errors(*AUTH_READ_ERRORS)}
    )
    def get(self, request: Request, pk: str) -> Response:
        return Response(WebhookOutput(subscription_or_404(pk), context={"request": request}).data)

    @extend_schema(
        parameters=[WEBHOOK_ID],
        request=WebhookInput,
        responses={200: WebhookOutput, **errors(*WRITE_ERRORS)},
    )
    def patch(self, request: Request, pk: str) -> Response:
        subscription = subscription_or_404(pk)
        data = WebhookInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        saved(
            lambda: services.subscription_update(
                subscription=subscription, data=data.validated_data
            )
        )
        return Response(WebhookOutput(subscription, context={"request": request}).data)

    @extend_schema(
        parameters=[WEBHOOK_ID],
        responses={204: OpenApiResponse(description="Deleted."), **errors(*WRITE_ERRORS)},
    )
    def delete(self, request: Request, pk: str) -> Response:
        subscription_or_404(pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryListApi(ApiListView):
    """The subscription's deliveries, newest first, with status and last error."""

    perms = {"GET": "webhooks.view_webhookdelivery"}
    serializer_class = WebhookDeliveryOutput
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        return WebhookDelivery.objects.filter(subscription_id=self.kwargs.get("subscription_id"))

    @extend_schema(
        parameters=[WEBHOOK_ID],
        responses={200: WebhookDeliveryOutput(many=True), **errors(*AUTH_READ_ERRORS)},
    )
    def get(self, request: Request, pk: str) -> Response:
        self.kwargs["subscription_id"] = subscription_or_404(pk).pk
        return super().get(request)
