"""Login lockout (django-axes) helpers: who is trying to log in, and from where."""

import math

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render

# The platform's single notion of the client's address (AXES_CLIENT_IP_CALLABLE, audit).
from commons.http import client_ip  # noqa: F401


def login_identifier(request, credentials):
    """The address a login attempt is for, whatever the form called it (allauth's "login", the
    "email" credential it authenticates with), lower-cased so that case tricks count as one."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None:
        value = request.POST.get("login") or request.POST.get("email")
    return (value or "").strip().lower() or None


def lockout_response(request, original_response=None, credentials=None):
    """The French lockout page (HTTP 429), with the cool-off in minutes."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    context = {"failure_limit": get_failure_limit(request, credentials), "minutes": minutes}
    return render(request, "account/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
