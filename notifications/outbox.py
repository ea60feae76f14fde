"""Demo e-mail backend: every message is kept in the database (OutboxEmail) instead of being
sent, and read on the outbox page (notifications.views.outbox, DEBUG only)."""

from django.core.mail.backends.base import BaseEmailBackend

from notifications.models import OutboxEmail


def _html_alternative(message):
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            return content
    return ""


class DatabaseEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            OutboxEmail.objects.create(
                subject=str(message.subject)[:300],
                from_email=str(message.from_email)[:300],
                to=", ".join([*message.to, *message.cc, *message.bcc]),
                reply_to=", ".join(message.reply_to)[:300],
                body=str(message.body),
                html=_html_alternative(message),
                message=message.message().as_string(),
            )
            count += 1
        return count
