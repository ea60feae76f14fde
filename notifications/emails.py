from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from commons.urls import absolute_url, site_url
from notifications.services import unsubscribe_url


def absolute(url):
    return absolute_url(url)


def build_email(user, notifications, *, digest):
    """One e-mail (HTML + text) for a user; every source in it gets a one-click unsubscribe link."""
    sources = {}
    for notification in notifications:
        key = notification.source_key
        if key and key not in sources:
            sources[key] = {
                "label": notification.source_label,
                "unsubscribe": absolute(unsubscribe_url(user.pk, key)),
            }
    context = {
        "user": user,
        "notifications": [
            {"title": n.title, "url": absolute(n.url), "source": n.source_label, "at": n.created_at}
            for n in notifications
        ],
        "sources": list(sources.values()),
        "digest": digest,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": site_url(),
        "preferences_url": absolute("/notifications/"),
    }
    subject = (
        f"[{settings.WAGTAIL_SITE_NAME}] Votre récapitulatif : {len(notifications)} nouveauté(s)"
        if digest
        else f"[{settings.WAGTAIL_SITE_NAME}] {notifications[0].title}"
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/email/notification.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("notifications/email/notification.html", context), "text/html"
    )
    if len(sources) == 1:
        (only,) = sources.values()
        message.extra_headers = {
            "List-Unsubscribe": f"<{only['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    return message
