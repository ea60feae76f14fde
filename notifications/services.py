from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from notifications.models import EmailMode, Notification

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
_unsubscribe_handlers = {}
_unsubscribe_describers = {}
_email_content_providers = {}
_visibility_filters = []
_secondary_kinds = set()


def register_unsubscribe_handler(prefix, handler, describe=None):
    """handler(user_id, source_key) -> label of what was unsubscribed, or None.

    describe(user_id, source_key) -> (label, still e-mailed) or None: the confirmation page
    names what the person unsubscribes from, and says so when it is already done."""
    _unsubscribe_handlers[prefix] = handler
    if describe:
        _unsubscribe_describers[prefix] = describe


def describe_unsubscribe(user_id, source_key):
    describe = _unsubscribe_describers.get(source_key.split(":", 1)[0])
    return describe(user_id, source_key) if describe else None


def register_email_content(prefix, provider):
    """provider(notification, user) -> EmailContent | None for notifications whose target_key
    starts with "<prefix>:". It applies its own permissions: None when the user may no longer
    read the content (the e-mail then carries the title and the link only)."""
    _email_content_providers[prefix] = provider


def register_visibility_filter(hidden):
    """hidden(user) -> Q of that user's notifications they may no longer see (a group they left:
    its discussion titles are private). Applied when notifications are read, listed or e-mailed,
    so access lost after the notification was created takes effect at once."""
    _visibility_filters.append(hidden)


def register_secondary_kinds(kinds):
    """Kinds listed after the others in a digest (requests to join, say): what people come
    for, the messages and documents, comes first."""
    _secondary_kinds.update(kinds)


def kind_rank(kind):
    return 1 if kind in _secondary_kinds else 0


def visible_notifications(user):
    """The notifications of `user` they may still see (see register_visibility_filter)."""
    qs = Notification.objects.filter(recipient=user)
    for hidden in _visibility_filters:
        qs = qs.exclude(hidden(user))
    return qs


def email_content(notification, user):
    key = notification.target_key
    provider = _email_content_providers.get(key.split(":", 1)[0]) if key else None
    return provider(notification, user) if provider else None


def unsubscribe_token(user_id, source_key):
    return signing.dumps({"u": user_id, "s": source_key}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(user_id, source_key):
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id, source_key)])


def read_unsubscribe_token(token):
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return data.get("u"), data.get("s", "")


def apply_unsubscribe(user_id, source_key):
    handler = _unsubscribe_handlers.get(source_key.split(":", 1)[0])
    return handler(user_id, source_key) if handler else None


def notify(
    recipients,
    *,
    kind,
    title,
    url,
    source_key="",
    source_label="",
    email_modes=None,
    target_key="",
):
    """Create one notification per recipient; those whose mode is "each" get an e-mail once the
    transaction commits. `email_modes` maps user id -> EmailMode (default: no e-mail)."""
    email_modes = email_modes or {}
    # Titles quote names and thread titles typed by users: never longer than the column.
    title = Truncator(title).chars(Notification._meta.get_field("title").max_length)
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kind,
            title=title,
            url=url,
            source_key=source_key,
            source_label=source_label,
            target_key=target_key,
            email_mode=email_modes.get(user.pk, EmailMode.NONE),
        )
        for user in recipients
    )
    immediate = [n.pk for n in notifications if n.email_mode == EmailMode.EACH]
    if immediate:
        from notifications.tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.enqueue(immediate))
    return notifications


def mark_read(user, notification_ids=None):
    qs = visible_notifications(user).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
