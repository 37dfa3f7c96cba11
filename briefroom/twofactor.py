"""TOTP two-factor authentication for staff: setting it up, turning it off, and the login form.

A user turns it on for themselves on the admin's "Two-factor authentication" page: a new,
unconfirmed TOTP device shows its QR code and secret, and becomes the user's device once a
code from the app is accepted. From then on the admin's login asks for a code as well; a
wrong code counts as a failed login (briefroom/logins.py). A session that gave a code is
"verified" (django_otp's OTPMiddleware), which publishing may require (digest/permissions.py).
"""

from __future__ import annotations

import base64
import binascii

import segno
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

User = AbstractBaseUser | AnonymousUser


def totp_device(user: User) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if two-factor authentication is on."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()


def totp_pending_device(*, user: User) -> TOTPDevice:
    """The device being set up: the same secret until it is confirmed or turned off."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).first()
    return device or TOTPDevice.objects.create(user_id=user.pk, name="Briefroom", confirmed=False)


def totp_verified(*, user: User, token: str, confirmed: bool = True) -> TOTPDevice | None:
    """The device that accepts `token` (django_otp throttles repeated wrong codes)."""
    token = token.strip().replace(" ", "")
    if not token.isdigit():
        return None
    with transaction.atomic():
        devices = TOTPDevice.objects.select_for_update().filter(
            user_id=user.pk, confirmed=confirmed
        )
        return next((device for device in devices if device.verify_token(token)), None)


def totp_turn_on(*, user: User, token: str) -> TOTPDevice | None:
    """Confirm the pending device with a code from the app; None if the code is wrong."""
    device = totp_verified(user=user, token=token, confirmed=False)
    if device is not None:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user_id=user.pk).exclude(pk=device.pk).delete()
    return device


def totp_turn_off(*, user: User, token: str) -> bool:
    """Remove the user's devices, given a current code; False if the code is wrong."""
    if totp_verified(user=user, token=token) is None:
        return False
    TOTPDevice.objects.filter(user_id=user.pk).delete()
    return True


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in."""
    return base64.b32encode(binascii.unhexlify(device.key)).decode().rstrip("=")


def qr_svg(uri: str) -> SafeString:
    # segno writes the SVG itself from the URI: nothing a user typed reaches the markup.
    return mark_safe(segno.make(uri, error="m").svg_inline(scale=4))  # noqa: S308


class TwoFactorLoginForm(AdminAuthenticationForm):
    """The admin's login: user name, password and, for users with a device, a code."""

    otp_token = forms.CharField(
        label=_("Two-factor code"),
        required=False,
        max_length=8,
        help_text=_("Only if you have turned on two-factor authentication."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "otp_invalid": _("Enter the current code from your authenticator app."),
    }

    def clean(self) -> dict:
        cleaned = super().clean()
        user = self.get_user()
        if user is None or totp_device(user) is None:
            return cleaned
        device = totp_verified(user=user, token=cleaned.get("otp_token") or "")
        if device is None:
            # A wrong code is a failed login: counted and logged like a wrong password.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": cleaned.get("username")},
                request=self.request,
            )
            raise forms.ValidationError(self.error_messages["otp_invalid"], code="otp_invalid")
        user.otp_device = device  # type: ignore[attr-defined]  # django_otp marks the session
        return cleaned


class TwoFactorAdminSite(admin.AdminSite):
    """Django's admin, where a user with a two-factor device works only in a session that
    gave its code: another session, opened before the device was added, logs in again."""

    login_form = TwoFactorLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        is_verified = getattr(request.user, "is_verified", None)
        return (callable(is_verified) and is_verified()) or totp_device(request.user) is None


def two_factor_view(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own two-factor page: set it up, confirm it, turn it off."""
    user = request.user
    if request.method == "POST":
        token = request.POST.get("token", "")
        if request.POST.get("action") == "off":
            if totp_turn_off(user=user, token=token):
                messages.success(request, gettext("Two-factor authentication is off."))
            else:
                messages.error(request, gettext("That code is not right: nothing was changed."))
        else:
            device = totp_turn_on(user=user, token=token)
            if device is None:
                messages.error(request, gettext("That code is not right: try the current one."))
            else:
                otp_login(request, device)  # this session has just given a code
                messages.success(request, gettext("Two-factor authentication is on."))
        return HttpResponseRedirect(reverse("two-factor"))
    context = {**admin.site.each_context(request), "title": gettext("Two-factor authentication")}
    device = totp_device(user)
    if device is None:
        pending = totp_pending_device(user=user)
        context |= {
            "qr": qr_svg(pending.config_url),
            "secret": secret_base32(pending),
            "uri": pending.config_url,
        }
    context["device"] = device
    return TemplateResponse(request, "admin/two_factor.html", context)
