from django.apps import AppConfig
from django.db.models.signals import post_migrate

WEBHOOK_MODELS = ["webhooksubscription", "webhookdelivery"]


def _grant_editors(sender, **kwargs) -> None:
    """Editors manage subscriptions and read deliveries (runs after digest's group setup)."""
    from django.contrib.auth.models import Group, Permission

    from digest.permissions import EDITORS

    editors = Group.objects.filter(name=EDITORS).first()
    if editors is not None:
        editors.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="webhooks", content_type__model__in=WEBHOOK_MODELS
            )
        )


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from webhooks import receivers  # noqa: F401 - connects the signal receivers

        post_migrate.connect(_grant_editors, sender=self)
