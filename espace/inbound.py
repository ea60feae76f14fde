"""Replies by e-mail: one RFC 5322 message in, a reply in its thread out, or a French automatic
answer saying why nothing was posted.

Entry points: `manage.py receive_email` (an MTA pipe) and `manage.py fetch_email` (an IMAP
mailbox); both call `receive`. The reply goes through groups.services.reply, the web form's
service, so the same permission checks, rate limit and sanitising apply.
"""

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from email import policy
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from mailparser_reply import EmailReplyParser

from commons.uploads import safe_filename, validate_upload
from commons.urls import site_url
from espace.models import InboundEmail, InboundStatus
from groups import permissions as group_permissions
from groups import services as group_services
from groups.models import Thread
from groups.replies import ReplyTokenError, read_reply_token, token_from_address
from notifications.content import html_to_text

logger = logging.getLogger(__name__)

HEADER_BYTES = 64 * 1024  # enough to read the headers of an oversize message
ROBOT_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|ne-pas-repondre)\b", re.I)
ROBOT_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
# Active content in an HTML part: the message is refused rather than silently altered.
ACTIVE_HTML = re.compile(
    r"<\s*(script|iframe|object|embed|applet|form)\b|<[^>]*(\son[a-z]+\s*=|javascript\s*:)",
    re.I,
)


NON_TEXT_BLOCKS = re.compile(r"<(head|style|title)\b[^>]*>.*?</\1\s*>", re.I | re.S)


@dataclass
class Outcome:
    status: str
    code: str = ""
    reason: str = ""
    post: object = None
    answered: bool = False


class Refusal(Exception):
    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code
        self.reason = reason


def receive(raw):
    """Handle one message (bytes). Never raises for a bad message: the outcome says what
    happened. Database failures do raise, so that the MTA or the poller tries again later."""
    oversize = len(raw) > settings.INBOUND_EMAIL_MAX_BYTES
    if oversize:
        message = BytesHeaderParser(policy=policy.default).parsebytes(raw[:HEADER_BYTES])
    else:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    sender = parseaddr(str(message.get("From", "")))[1].strip().lower()
    message_id = str(message.get("Message-ID", "")).strip()[:255]
    if not message_id:
        message_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    robot = not sender or "@" not in sender or _is_automatic(message, sender)
    record_fields = {
        "sender": sender[:254],
        "subject": str(message.get("Subject", ""))[:255],
        "size": len(raw),
    }
    outcome = None
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = InboundEmail.objects.create(message_id=message_id, **record_fields)
        except IntegrityError:
            # Delivered twice: handled the first time. Only a person gets told (never a robot).
            outcome = Outcome(
                InboundStatus.IGNORED,
                "duplicate",
                "Ce message nous est déjà parvenu : il a été traité une fois, il ne sera pas "
                "publié une seconde fois.",
            )
        else:
            if robot:
                outcome = Outcome(InboundStatus.IGNORED, "automatic")
            else:
                outcome = _handle(record, message, sender, oversize)
            record.status, record.code, record.reason = outcome.status, outcome.code, outcome.reason
            if outcome.post is not None:
                record.post = outcome.post
            record.save()
    if outcome.reason and not robot and _may_answer(sender, outcome):
        _answer(sender, message, outcome.reason)
        outcome.answered = True
    logger.info(
        "Courriel reçu de %s (%s) : %s %s", sender or "?", message_id, outcome.status, outcome.code
    )
    return outcome


def _is_automatic(message, sender):
    """Out-of-office answers, bounces, mailing lists, our own robots: RFC 3834 says never to
    answer them, and they are never replies of a person."""
    auto_submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if any(message.get(h) for h in ("X-Autoreply", "X-Autorespond", "X-Failed-Recipients")):
        return True
    if str(message.get("Precedence", "")).strip().lower() in ROBOT_PRECEDENCE:
        return True
    if str(message.get("Return-Path", "")).strip() == "<>" or message.get("List-Id"):
        return True
    if message.get_content_type() == "multipart/report":
        return True
    own = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()
    return bool(ROBOT_SENDERS.match(sender)) or sender == own


def _handle(record, message, sender, oversize):
    try:
        if oversize:
            limit = settings.INBOUND_EMAIL_MAX_BYTES // (1024 * 1024)
            raise Refusal(
                "too_large",
                f"Votre message est trop volumineux ({limit} Mo au maximum) : il n'a pas été "
                "publié. Répondez depuis la discussion sur la plateforme.",
            )
        _check_rate(record, sender)
        user, thread = _author_and_thread(message, sender)
        record.user = user
        body, files = _body(message)
        try:
            post = group_services.reply(thread, user, body=body, files=files)
        except PermissionDenied:
            raise Refusal("forbidden", _not_member_reason(thread)) from None
        except ValidationError as error:
            raise Refusal(
                "invalid", " ".join(error.messages) + " Votre message n'a pas été publié."
            ) from None
    except Refusal as refusal:
        return Outcome(InboundStatus.REFUSED, refusal.code, refusal.reason)
    return Outcome(InboundStatus.POSTED, post=post)


def _check_rate(record, sender):
    since = timezone.now() - timedelta(seconds=settings.INBOUND_EMAIL_RATE_SECONDS)
    recent = InboundEmail.objects.filter(sender=sender, received_at__gte=since).exclude(
        pk=record.pk
    )
    if recent.count() >= settings.INBOUND_EMAIL_RATE_COUNT:
        raise Refusal(
            "rate",
            "Nous avons reçu trop de messages de votre adresse en peu de temps : celui-ci n'a "
            "pas été publié. Réessayez plus tard ou répondez depuis la plateforme.",
        )


def _recipients(message):
    headers = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
    values = [str(v) for h in headers for v in (message.get_all(h) or [])]
    return [address for _, address in getaddresses(values)]


def _author_and_thread(message, sender):
    token = next(filter(None, map(token_from_address, _recipients(message))), None)
    if token is None:
        raise Refusal(
            "no_token",
            "Cette adresse ne reçoit que les réponses aux notifications de la plateforme : votre "
            "message n'a pas été publié.",
        )
    try:
        user_id, thread_id = read_reply_token(token)
    except ReplyTokenError as error:
        raise Refusal("expired" if "expiré" in str(error) else "forged", str(error)) from None
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.is_active:
        raise Refusal(
            "inactive",
            "Le compte auquel cette adresse de réponse est attachée est désactivé : votre "
            "message n'a pas été publié.",
        )
    if user.email.lower() != sender:
        raise Refusal(
            "wrong_sender",
            "Cette adresse de réponse est personnelle : répondez depuis l'adresse qui a reçu la "
            "notification. Votre message n'a pas été publié.",
        )
    thread = Thread.objects.select_related("group").filter(pk=thread_id).first()
    if thread is None:
        raise Refusal(
            "no_thread", "Cette discussion n'existe plus : votre message n'a pas été publié."
        )
    if not group_permissions.can_post(user, thread.group):
        raise Refusal("forbidden", _not_member_reason(thread, user))
    return user, thread


def _not_member_reason(thread, user=None):
    group = thread.group
    if group.is_archived:
        return f"Le groupe « {group.name} » est archivé : votre message n'a pas été publié."
    return f"Vous n'êtes plus membre du groupe « {group.name} » : votre message n'a pas été publié."


def _attachments(message):
    """Attached files (inline images referenced by the HTML, e.g. a signature logo, are not)."""
    return (
        [
            part
            for part in message.iter_attachments()
            if not (part.get_content_disposition() == "inline" and part.get("Content-ID"))
        ]
        if message.is_multipart()
        else []
    )


def _body(message):
    """(text, files): the reply's own text, quotes and signature stripped, and its attached
    files, each validated by its bytes like the web form's (the reply service checks them
    again, with the per-post limit)."""
    files = []
    for part in _attachments(message):
        name = safe_filename(part.get_filename() or "piece-jointe")
        data = part.get_payload(decode=True) or b""
        try:
            validate_upload(
                SimpleUploadedFile(name, data), max_bytes=settings.GROUP_DOCUMENT_MAX_BYTES
            )
        except ValidationError as error:
            raise Refusal(
                "attachment",
                f"La pièce jointe « {name} » est refusée : {' '.join(error.messages)} Votre "
                "message n'a pas été publié.",
            ) from None
        files.append(SimpleUploadedFile(name, data))
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    html_text = html.get_content() if html is not None else ""
    if ACTIVE_HTML.search(html_text):
        raise Refusal(
            "active_html",
            "Votre message contient du contenu actif (script, formulaire ou code) que la "
            "plateforme n'accepte pas : il n'a pas été publié. Renvoyez-le en texte simple.",
        )
    if plain is not None:
        text = plain.get_content()
    else:
        # Structure first (blocks become lines, so that "Le … a écrit :" stands on its own
        # line for the quote stripper); the text then goes through sanitize_html when posted.
        text = html_to_text(NON_TEXT_BLOCKS.sub("", html_text))
    text = EmailReplyParser(languages=["fr", "en"]).parse_reply(text or "") or ""
    if not text.strip():
        raise Refusal(
            "empty",
            "Nous n'avons trouvé aucun texte dans votre réponse (hors citation du message "
            "d'origine) : rien n'a été publié.",
        )
    return text.strip(), files


def _may_answer(sender, outcome):
    """Tell a person why, but at most once per rate window when they are over the limit."""
    if outcome.code != "rate":
        return True
    since = timezone.now() - timedelta(seconds=settings.INBOUND_EMAIL_RATE_SECONDS)
    return (
        InboundEmail.objects.filter(sender=sender, code="rate", received_at__gte=since).count() <= 1
    )


def _answer(sender, message, reason):
    subject = str(message.get("Subject", "")).strip()
    body = (
        "Bonjour,\n\n"
        f"Votre message{f' « {subject} »' if subject else ''} n'a pas été publié sur la "
        f"plateforme {settings.WAGTAIL_SITE_NAME}.\n\n"
        f"{reason}\n\n"
        f"{site_url()}\n\n"
        "Ce message est automatique : merci de ne pas y répondre.\n"
    )
    headers = {"Auto-Submitted": "auto-replied"}
    original_id = str(message.get("Message-ID", "")).strip()
    if original_id:
        headers["In-Reply-To"] = original_id
        headers["References"] = original_id
    EmailMessage(
        subject=f"[{settings.WAGTAIL_SITE_NAME}] Votre réponse n'a pas été publiée",
        body=body,
        to=[sender],
        headers=headers,
    ).send()
