"""Failed logins: each one logged with its user name and address, and the lockout page.

django-axes counts the failures (settings.AXES_*): per client address and per user name,
so neither guessing many passwords for one name nor one password for many names from one
address gets far. The lockout page says the same for a name that exists and one that does
not, so it tells a guesser nothing about the accounts.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from core.clientip import client_ip

logger = logging.getLogger(__name__)

LOCKOUT_STATUS = 429


def log_failed_login(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    address = client_ip(request) if request is not None else "-"
    logger.warning("login failed for %r from %s", credentials.get("username", ""), address)


def connect_signals() -> None:
    user_login_failed.connect(log_failed_login, dispatch_uid="briefroom.logins.failed")


def attempt_label(attempt: Any) -> str:
    return gettext("Failed logins as %(username)s from %(address)s") % {
        "username": attempt.username or "-",
        "address": attempt.ip_address or "-",
    }


def failure_label(failure: Any) -> str:
    return gettext("Failed login as %(username)s from %(address)s") % {
        "username": failure.username or "-",
        "address": failure.ip_address or "-",
    }


def cooloff_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The admin's page for a client or name that failed too often (axes' lockout callable)."""
    context = {
        **admin.site.each_context(request),
        "title": gettext("Too many failed logins"),
        "minutes": cooloff_minutes(),
    }
    response = TemplateResponse(request, "admin/lockout.html", context, status=LOCKOUT_STATUS)
    response["Retry-After"] = str(cooloff_minutes() * 60)
    return response.render()
