from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from commons.mail import email_subject
from commons.urls import absolute_url, site_url
from notifications.services import email_content, unsubscribe_url


def absolute(url):
    return absolute_url(url)


def preferences_url():
    return absolute(settings.NOTIFICATIONS_PREFERENCES_PATH)


def build_email(user, notifications, *, digest):
    """One e-mail (HTML + text) for a user; every source in it gets a one-click unsubscribe link.
    A notification about a message carries that message (its app's EmailContent), and a single
    one about a discussion gets the recipient's own Reply-To address."""
    sources = {}
    items = []
    for notification in notifications:
        key = notification.source_key
        if key and key not in sources:
            sources[key] = {
                "label": notification.source_label,
                "unsubscribe": absolute(unsubscribe_url(user.pk, key)),
            }
        items.append(
            {
                "title": notification.title,
                "url": absolute(notification.url),
                "source": notification.source_label,
                "at": notification.created_at,
                "content": email_content(notification, user),
            }
        )
    reply_to = items[0]["content"].reply_to if not digest and items[0]["content"] else ""
    context = {
        "user": user,
        "notifications": items,
        "sources": list(sources.values()),
        "digest": digest,
        "reply_to": reply_to,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": site_url(),
        "preferences_url": preferences_url(),
    }
    subject = (
        email_subject(f"Votre récapitulatif : {len(notifications)} nouveauté(s)")
        if digest
        else email_subject(notifications[0].title)
    )
    # RFC 3834: automatic mail, so that out-of-office robots do not answer it.
    headers = {"Auto-Submitted": "auto-generated"}
    if len(sources) == 1:
        (only,) = sources.values()
        headers["List-Unsubscribe"] = f"<{only['unsubscribe']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/email/notification.txt", context),
        to=[user.email],
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
    )
    message.attach_alternative(
        render_to_string("notifications/email/notification.html", context), "text/html"
    )
    return message
