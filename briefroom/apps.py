from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import apps as totp_apps


class BriefroomConfig(AppConfig):
    """The project itself, as an app only to adjust Django's admin once at start-up."""

    name = "briefroom"
    default = True  # this module also holds the configs that rename two libraries' apps
    verbose_name = "Briefroom"

    def ready(self) -> None:
        from briefroom import admin_phrases, logins

        admin_phrases.translate_boolean_icons()
        logins.connect_signals()


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin on a site that asks two-factor users for their code."""

    default = False
    default_site = "briefroom.twofactor.TwoFactorAdminSite"


class LoginAttemptsConfig(axes_apps.AppConfig):
    """django-axes, named in the admin in the editor's language."""

    default = False
    verbose_name = _("Login attempts")

    def ready(self) -> None:
        super().ready()
        from axes.models import AccessAttempt, AccessFailureLog

        from briefroom import logins

        # django-axes names its rows in English; their admin pages show the names as titles.
        AccessAttempt.__str__ = logins.attempt_label
        AccessFailureLog.__str__ = logins.failure_label


class TwoFactorConfig(totp_apps.DefaultConfig):
    """django-otp's TOTP devices, named in the admin in the editor's language."""

    default = False
    verbose_name = _("Two-factor authentication")

    def ready(self) -> None:
        super().ready()
        # django-otp names its model in English only; a user's delete page lists devices.
        meta = self.get_model("TOTPDevice")._meta
        meta.verbose_name = _("authenticator app")
        meta.verbose_name_plural = _("authenticator apps")
