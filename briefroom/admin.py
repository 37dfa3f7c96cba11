"""The login attempts in the admin, read-only, in the editor's language.

django-axes' own admin pages show columns and filters Briefroom does not translate, so they
are switched off (AXES_ENABLE_ADMIN) and these list what staff need: who failed, from where,
how often. A superuser unlocks a user name or address by deleting its attempts. TOTP
devices are managed on each user's two-factor page (briefroom/twofactor.py), not here.
"""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


class ReadOnlyAdmin(admin.ModelAdmin):
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    ordering = ["-attempt_time"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AccessAttempt)
class AccessAttemptAdmin(ReadOnlyAdmin):
    list_display = ("attempt_time", "username", "ip_address", "path_info", "failures_since_start")
    fields = ("attempt_time", "username", "ip_address", "path_info", "failures_since_start")


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(ReadOnlyAdmin):
    list_display = ("attempt_time", "username", "ip_address", "path_info", "locked_out")
    fields = ("attempt_time", "username", "ip_address", "path_info", "locked_out", "user_agent")
