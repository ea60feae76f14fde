import re
from email import message_from_string, policy

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_email
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.roles import is_anct
from commons.french import plural
from notifications.models import Notification, OutboxEmail
from notifications.services import (
    apply_unsubscribe,
    describe_unsubscribe,
    mark_read,
    read_unsubscribe_token,
    visible_notifications,
)


@login_required
def notification_list(request):
    notifications = visible_notifications(request.user)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page_obj": page, "preferences_path": settings.NOTIFICATIONS_PREFERENCES_PATH},
    )


@login_required
@require_POST
def mark_all_read(request):
    count = mark_read(request.user)
    messages.success(
        request,
        f"{count} notification{plural(count)} marquée{plural(count)} comme lue{plural(count)}.",
    )
    return redirect("notifications:list")


@login_required
def open_notification(request, pk):
    notification = visible_notifications(request.user).filter(pk=pk).first()
    if notification is None:
        if Notification.objects.filter(pk=pk, recipient=request.user).exists():
            # Theirs, about something they no longer see: the list says why (« Vous ne faites
            # plus partie du groupe… »).
            return redirect("notifications:list")
        # Unknown or someone else's: the site's 404, as for every other unknown identifier (it
        # went back to the list without a word).
        raise Http404("Aucune notification à cette adresse.")
    mark_read(request.user, [notification.pk])
    return redirect(notification.url)


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a CSRF token; the link is signed
def unsubscribe(request, token):
    data = read_unsubscribe_token(token)
    if data is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        label = apply_unsubscribe(*data)
        return render(request, "notifications/unsubscribe.html", {"done": True, "label": label})
    label, subscribed = describe_unsubscribe(*data) or ("", True)
    if not subscribed:  # the link opened again: no second question
        return render(request, "notifications/unsubscribe.html", {"already": True, "label": label})
    return render(request, "notifications/unsubscribe.html", {"token": token, "label": label})


def _debug_only():
    if not settings.DEBUG:
        raise Http404("Cette page n'existe pas.")


# Links inside the e-mail open in the page itself (on a click), never a script.
FRAME_SANDBOX = (
    "allow-top-navigation-by-user-activation allow-popups allow-popups-to-escape-sandbox"
)


# The address an anonymous visitor of the demo mailbox typed (kept in their session so that the
# e-mails it lists open too).
MAILBOX_ADDRESS_KEY = "demo_mailbox_address"


def _to_address(address):
    """E-mails whose recipients include exactly `address` (the backend joins them with ", ")."""
    return Q(to__iregex=rf"(^|[\s,<]){re.escape(address)}($|[\s,>])")


def _mailbox(request):
    """The demo e-mails a visitor may read (DEBUG only, see README):
    - logged in: those sent to any of their addresses, confirmed or not (the confirmation of an
      added address included); all of them for a superuser; the ANCT team also reads those sent
      to addresses with no account yet (invitations, subscription confirmations), without which
      nobody could follow an invitation to the sign-up form;
    - anonymous: those sent to the one address they typed, so that a password-reset link can be
      read without logging in (which would void it). Demo data only: the page is a 404 without
      DEBUG."""
    emails = OutboxEmail.objects.all()
    user = request.user
    if not user.is_authenticated:
        address = request.session.get(MAILBOX_ADDRESS_KEY)
        return emails.filter(_to_address(address)) if address else emails.none()
    if user.is_superuser:
        return emails
    addresses = {user.email.lower()} | {
        address.lower()
        for address in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    mine = Q()
    for address in sorted(addresses):
        mine |= _to_address(address)
    if is_anct(user):
        accounts = get_user_model().objects.filter(email__iexact=OuterRef("to"))
        mine |= ~Exists(accounts)
    return emails.filter(mine)


def outbox(request):
    """The demo's e-mails (DEBUG only): what the platform would have sent to the visitor."""
    _debug_only()
    address_error = ""
    if not request.user.is_authenticated and "adresse" in request.GET:
        address = request.GET["adresse"].strip().lower()
        try:
            validate_email(address)
        except ValidationError:
            address_error = "Saisissez une adresse électronique valide, par exemple nom@exemple.fr."
        else:
            request.session[MAILBOX_ADDRESS_KEY] = address
    page = Paginator(_mailbox(request).defer("message", "html"), 30).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page,
        "address": request.session.get(MAILBOX_ADDRESS_KEY, ""),
        "address_error": address_error,
    }
    return render(request, "notifications/outbox.html", context)


OUTBOX_TEXT_MAX_CHARS = 20000


def _outbox_attachments(raw):
    """Name, type, size and, for a text file (an .ics invitation), its text: what a person
    checks in a mail client."""
    message = message_from_string(raw, policy=policy.default)
    if not message.is_multipart():
        return []
    attachments = []
    for part in message.iter_attachments():
        text = ""
        if str(part.get("Content-Transfer-Encoding", "")).lower() in ("8bit", "7bit", ""):
            # Kept as text in the stored message (a str): decoding it again would garble the
            # accents.
            payload = part.get_payload()
            data = payload.encode(part.get_content_charset() or "utf-8", errors="replace")
            if part.get_content_maintype() == "text":
                text = payload
        else:
            data = part.get_payload(decode=True) or b""
            if part.get_content_maintype() == "text":
                text = data.decode(part.get_content_charset() or "utf-8", errors="replace")
        text = text[:OUTBOX_TEXT_MAX_CHARS]
        attachments.append(
            {
                "name": part.get_filename() or "(sans nom)",
                "content_type": part.get_content_type(),
                "size": len(data),
                "text": text,
            }
        )
    return attachments


def outbox_email(request, pk):
    _debug_only()
    email = get_object_or_404(_mailbox(request), pk=pk)
    return render(
        request,
        "notifications/outbox_email.html",
        {
            "email": email,
            "sandbox": FRAME_SANDBOX,
            "attachments": _outbox_attachments(email.message),
        },
    )


@xframe_options_sameorigin
def outbox_email_html(request, pk):
    """The HTML part alone, shown in a sandboxed frame of outbox_email (no script may run)."""
    _debug_only()
    email = get_object_or_404(_mailbox(request), pk=pk)
    # <base target="_top">: a link leaves the frame for the whole tab, as in a mail client.
    response = HttpResponse('<base target="_top">' + (email.html or "<p>(pas de version HTML)</p>"))
    response["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'unsafe-inline'; sandbox {FRAME_SANDBOX}"
    )
    return response
