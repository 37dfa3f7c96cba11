from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_groups(sender, **kwargs) -> None:
    """Run the group setup again once this app's permissions exist (it comes after digest)."""
    from digest.permissions import ensure_groups

    ensure_groups()


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from webhooks import receivers  # noqa: F401 - connects the signal receivers

        post_migrate.connect(_ensure_groups, sender=self)
