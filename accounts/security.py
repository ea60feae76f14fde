"""Login lockout (django-axes) helpers: who is trying to log in, and from where."""

import math

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render


def login_identifier(request, credentials):
    """The address a login attempt is for, whatever the form called it (allauth's "login", the
    "email" credential it authenticates with), lower-cased so that case tricks count as one."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None:
        value = request.POST.get("login") or request.POST.get("email")
    return (value or "").strip().lower() or None


def client_ip(request):
    """The client's IP address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the
    X-Forwarded-For entry the first trusted proxy saw (entries before it can be forged)."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [ip for ip in forwarded if ip]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]


def lockout_response(request, original_response=None, credentials=None):
    """The French lockout page (HTTP 429), with the cool-off in minutes."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    context = {"failure_limit": get_failure_limit(request, credentials), "minutes": minutes}
    return render(request, "account/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
