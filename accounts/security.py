"""Login lockout (django-axes) helpers: who is trying to log in, and from where."""

import math
from datetime import timedelta

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

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


def remaining_lockout(request, credentials, cool_off):
    """How long the lock of this login still lasts: axes counts the cool-off from the last failed
    attempt (its attempt_time), so a page shown eight minutes in says seven, not fifteen."""
    from axes.models import AccessAttempt

    identifier = login_identifier(request, credentials)
    attempt = (
        AccessAttempt.objects.filter(username=identifier).order_by("-attempt_time").first()
        if identifier
        else None
    )
    if attempt is None:
        return cool_off
    return max(attempt.attempt_time + cool_off - timezone.now(), timedelta(seconds=1))


def lockout_response(request, original_response=None, credentials=None):
    """The French lockout page (HTTP 429), with the time left in minutes."""
    cool_off = get_cool_off(request)
    left = remaining_lockout(request, credentials, cool_off) if cool_off else None
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cool_off_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
        "minutes": math.ceil(left.total_seconds() / 60) if left else None,
    }
    return render(request, "account/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def lift_lockout_on_password_reset(sender, request=None, user=None, **kwargs):
    """allauth's password_reset: following the reset link proves the person holds the account's
    address, so the lockout of each of its addresses is lifted at once (allauth clears its own
    per-address counters there too). The lockout page and the IP limit's message advise exactly
    this way out: it must work right away, not fifteen minutes later."""
    if user is None:
        return
    from allauth.account.models import EmailAddress
    from axes.utils import reset

    addresses = {user.email.lower()} if user.email else set()
    addresses |= {
        email.lower()
        for email in EmailAddress.objects.filter(user_id=user.pk).values_list("email", flat=True)
    }
    for address in addresses:
        reset(username=address)
