"""What every e-mail of the platform shares: the subject prefix (account, notification,
invitation, bulletin, Wagtail review e-mails alike)."""

from django.conf import settings


def subject_prefix():
    return f"[{settings.WAGTAIL_SITE_NAME}]"


def email_subject(text):
    """`text` with the platform's prefix, once (a subject already prefixed is left as it is)."""
    text = " ".join(str(text).split())  # a subject is one line (templates may add newlines)
    prefix = subject_prefix()
    return text if text.startswith(prefix) else f"{prefix} {text}"
