from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from commons.french import plural
from commons.mail import email_subject
from commons.urls import absolute_url, site_url
from notifications.services import email_content, kind_rank, unsubscribe_url


def absolute(url):
    return absolute_url(url)


def preferences_url():
    return absolute(settings.NOTIFICATIONS_PREFERENCES_PATH)


def _unless_named(name, title):
    """`name`, or "" when `title` already names it (a busy reader should not read it twice)."""
    name = (name or "").strip()
    return "" if not name or name.casefold() in title.casefold() else name


def digest_subject(count):
    return email_subject(f"Votre récapitulatif : {count} nouveauté{plural(count)}")


def _digest_sections(items):
    """The digest's items under one heading per group (or library), in the order the sources
    first appear; in each, contents before the rest (notifications.services.kind_rank). The
    heading names the source: its items no longer do."""
    sections = {}
    for item in items:
        section = sections.setdefault(
            item["source_key"], {"label": item["source_label"], "items": []}
        )
        section["items"].append(item)
    for section in sections.values():
        section["items"].sort(key=lambda item: kind_rank(item["kind"]))  # stable: by date next
    return list(sections.values())


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
        content = email_content(notification, user)
        title = notification.title
        items.append(
            {
                "kind": notification.kind,
                "source_key": key,
                "source_label": notification.source_label,
                "title": title,
                "url": absolute(notification.url),
                # The group (or library) and the thread are named once per item: the title
                # often names them already ("Nouvelle discussion dans « G » : T").
                "source": _unless_named(notification.source_label, title),
                "heading": _unless_named(content.heading, title) if content else "",
                "at": notification.created_at,
                "content": content,
            }
        )
    reply_to = items[0]["content"].reply_to if not digest and items[0]["content"] else ""
    sections = _digest_sections(items) if digest else []
    context = {
        "user": user,
        "notifications": items,
        "sections": sections,
        "sources": list(sources.values()),
        "digest": digest,
        "reply_to": reply_to,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "site_url": site_url(),
        "preferences_url": preferences_url(),
    }
    subject = (
        digest_subject(len(notifications)) if digest else email_subject(notifications[0].title)
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
