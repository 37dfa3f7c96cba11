from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_groups(sender, **kwargs) -> None:
    from digest.permissions import ensure_groups

    ensure_groups()


class DigestConfig(AppConfig):
    name = "digest"
    verbose_name = _("Digests")

    def ready(self) -> None:
        from digest import (
            pagecache,
            receivers,  # noqa: F401 - entries follow merged articles
        )

        pagecache.connect_signals()

        post_migrate.connect(_ensure_groups, sender=self)
