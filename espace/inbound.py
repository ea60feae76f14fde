"""Replies by e-mail: one RFC 5322 message in, a reply in its thread out, or a French automatic
answer saying why nothing was posted.

Entry points: `manage.py receive_email` (an MTA pipe) and `manage.py fetch_email` (an IMAP
mailbox); both call `receive`. The reply goes through groups.services.reply, the web form's
service, so the same permission checks, rate limit and sanitising apply.
"""

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from email import policy
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parseaddr

from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from mailparser_reply.parser import EmailMessage as ParsedReply

from commons.uploads import safe_filename, validate_upload
from commons.urls import absolute_url, site_url
from espace.models import InboundEmail, InboundStatus
from groups import permissions as group_permissions
from groups import services as group_services
from groups.models import Thread
from groups.replies import (
    ExpiredReplyToken,
    ReplyTokenError,
    read_reply_token,
    token_from_address,
)
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


# Markup whose content is not text a reader sees: dropped whole (a script's body given back as
# « alert(1) » would read as part of the message).
NON_TEXT_BLOCKS = re.compile(
    r"<(head|style|title|script|noscript|template)\b[^>]*>.*?</\1\s*>", re.I | re.S
)
# Quotes and signatures in HTML replies, by the markup of the common clients: Gmail
# (gmail_quote, gmail_signature), Thunderbird (moz-cite-prefix, moz-signature, blockquote
# type=cite, also Apple Mail's), Outlook (divRplyFwdMsg / appendonsend: the quoted message
# follows as siblings, so everything from there on goes).
HTML_QUOTES = (
    ".gmail_quote, .gmail_signature, .gmail_extra, .moz-cite-prefix, .moz-signature, "
    "blockquote[type=cite], #lineBreakAtBeginningOfSignature ~ *"
)
HTML_QUOTE_FOLLOWS = "#divRplyFwdMsg, #appendonsend, #divtagdefaultwrapper ~ hr"
# Forwarded or quoted-message separators the library does not know in French.
TEXT_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(message d'origine|original message|message transféré|forwarded message)"
    r"\s*-{2,}\s*$",
    re.I | re.M,
)
# Signature starts: "-- " (RFC 3676), a mobile client's line, or a French sign-off standing alone
# on its line (optionally followed by a name), after which only a short tail (name, job title,
# phone) may follow. A sign-off inside a sentence ("Bonne journée à vous aussi, pour jeudi…") is
# text, so the library's own French signature rule (any line starting "bonne journée") is not
# used.
SIGNATURE_DELIMITER = re.compile(
    r"^(?:--|__|(?i:envoyé (?:depuis|de) mon .{1,40}|sent from my .{1,40}))\s*$"
)
SIGN_OFF = re.compile(
    r"^(?i:(?:(?:bien|très|trés|tres)\s+)?(?:cordialement|amicalement|sincèrement)"
    r"|bien (?:à vous|à toi)|(?:sincères |meilleures )?salutations"
    r"|(?:belle|bonne) (?:journée|soirée|fin de journée|semaine|réception)"
    r"|à bientôt|à très vite)"
    r"\s*[,.!]?(?:\s*[A-ZÀ-Ý][\w'’-]*(?:\s+[A-ZÀ-Ý][\w'’.-]*){0,3})?\s*$"
)
SIGNATURE_MAX_LINES = 8
QUOTED_TEXT_MAX_CHARS = 5000


@dataclass
class Outcome:
    status: str
    code: str = ""
    reason: str = ""
    post: object = None
    answered: bool = False
    thread: object = None
    readable: bool = False  # the sender may open the thread: the answer links to it


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
            # Delivered twice (an MTA retry, a mailbox read twice): handled the first time, and
            # the sender was told then if needed. Saying "not published" now would be false.
            outcome = Outcome(InboundStatus.IGNORED, "duplicate")
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
        if _is_account(sender):
            _answer(sender, message, outcome)
            outcome.answered = True
        else:
            # A From header is easily forged: answering unknown senders would send our refusals
            # to whoever a spammer names (backscatter).
            logger.warning("Courriel refusé de %s, sans compte actif : pas de réponse.", sender)
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
    found = {}  # the thread, once known: the refusal then links to it
    try:
        if oversize:
            # Only the headers were read: enough to link the discussion the person answered.
            _find_thread_for_link(message, sender, found)
            raise Refusal("too_large", _too_large_reason(record.size))
        _check_rate(record, sender)
        user, thread = _author_and_thread(message, sender, found)
        record.user = user
        body, files = _body(message, user)
        try:
            post = group_services.reply(thread, user, body=body, files=files)
        except PermissionDenied:
            raise Refusal("forbidden", _not_member_reason(thread)) from None
        except ValidationError as error:
            raise Refusal("invalid", " ".join(error.messages)) from None
    except Refusal as refusal:
        return Outcome(
            InboundStatus.REFUSED,
            refusal.code,
            refusal.reason,
            thread=found.get("thread"),
            readable=found.get("readable", False),
        )
    return Outcome(InboundStatus.POSTED, post=post)


def _check_rate(record, sender):
    since = timezone.now() - timedelta(seconds=settings.INBOUND_EMAIL_RATE_SECONDS)
    recent = InboundEmail.objects.filter(sender=sender, received_at__gte=since).exclude(
        pk=record.pk
    )
    if recent.count() >= settings.INBOUND_EMAIL_RATE_COUNT:
        raise Refusal(
            "rate",
            "Nous avons reçu trop de messages de votre adresse en peu de temps. Réessayez plus "
            "tard ou répondez depuis la discussion sur la plateforme.",
        )


def _recipients(message):
    headers = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
    values = [str(v) for h in headers for v in (message.get_all(h) or [])]
    return [address for _, address in getaddresses(values)]


def _too_large_reason(size):
    mb = 1024 * 1024
    limit = settings.INBOUND_EMAIL_MAX_BYTES / mb
    # Attachments grow by a third when encoded in an e-mail (base64).
    files = limit * 3 / 4
    web = settings.GROUP_DOCUMENT_MAX_BYTES / mb
    return (
        f"Votre courriel est trop volumineux ({_mo(size / mb)} Mo) : par courriel, la limite est de {_mo(limit)} Mo "
        f"pour le message entier, soit environ {_mo(files)} Mo de pièces jointes. Sur la "
        f"plateforme, chaque fichier peut peser jusqu'à {_mo(web)} Mo : déposez vos fichiers "
        "depuis la discussion."
    )


def _lower_first(text):
    return text[:1].lower() + text[1:]


def _mo(value):
    """A size in Mo written the French way: 7,5 ; 10."""
    return f"{value:.1f}".removesuffix(".0").replace(".", ",")


def _author_and_thread(message, sender, found):
    token = next(filter(None, map(token_from_address, _recipients(message))), None)
    if token is None:
        raise Refusal(
            "no_token",
            "Cette adresse ne reçoit que les réponses aux notifications de la plateforme.",
        )
    try:
        user_id, thread_id = read_reply_token(token)
    except ExpiredReplyToken as error:
        _found_if_readable(found, sender, error.user_id, error.thread_id)
        raise Refusal("expired", str(error)) from None
    except ReplyTokenError as error:
        raise Refusal("forged", str(error)) from None
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.is_active:
        raise Refusal(
            "inactive",
            "Le compte auquel cette adresse de réponse est attachée est désactivé.",
        )
    if user.email.lower() != sender:
        raise Refusal(
            "wrong_sender",
            "Cette adresse de réponse est personnelle : répondez depuis l'adresse qui a reçu la "
            "notification.",
        )
    thread = Thread.objects.select_related("group").filter(pk=thread_id).first()
    if thread is None:
        raise Refusal("no_thread", "Cette discussion n'existe plus.")
    found["thread"] = thread
    # A removed member is told why, but not given a link to a discussion they cannot open.
    found["readable"] = group_permissions.can_view_group(user, thread.group)
    if not group_permissions.can_post(user, thread.group):
        raise Refusal("forbidden", _not_member_reason(thread, user))
    return user, thread


def _find_thread_for_link(message, sender, found):
    """The discussion a refused message answered, for the answer's link, when its reply
    address is authentic (expired or not) and its sender may still read the group."""
    token = next(filter(None, map(token_from_address, _recipients(message))), None)
    if token is None:
        return
    try:
        user_id, thread_id = read_reply_token(token)
    except ExpiredReplyToken as error:
        user_id, thread_id = error.user_id, error.thread_id
    except ReplyTokenError:
        return
    _found_if_readable(found, sender, user_id, thread_id)


def _found_if_readable(found, sender, user_id, thread_id):
    """An expired but authentic token: the answer names and links the discussion when the
    sender is the token's active owner and may still read the group."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    thread = Thread.objects.select_related("group").filter(pk=thread_id).first()
    if user is None or thread is None or user.email.lower() != sender:
        return
    if group_permissions.can_view_group(user, thread.group):
        found["thread"], found["readable"] = thread, True


def _not_member_reason(thread, user=None):
    group = thread.group
    if group.is_archived:
        return f"Le groupe « {group.name} » est archivé : on ne peut plus y écrire."
    return f"Vous n'êtes plus membre du groupe « {group.name} »."


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


def _body(message, user=None):
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
                # The validator's reason already says "n'est pas accepté": not twice.
                f"Pièce jointe « {name} » : {_lower_first(' '.join(error.messages))}",
            ) from None
        files.append(SimpleUploadedFile(name, data))
    html_text = _html_part(message)
    if ACTIVE_HTML.search(html_text):
        raise Refusal(
            "active_html",
            "Votre message contient du code (script ou formulaire) que la plateforme n'accepte "
            "pas. Copiez votre texte dans la discussion sur la plateforme, ou renvoyez-le sans "
            "mise en forme.",
        )
    text = own_text(message, user)
    if not text.strip():
        raise Refusal(
            "empty",
            "Nous n'avons trouvé aucun texte dans votre réponse, en dehors de la citation du "
            "message d'origine.",
        )
    return text.strip(), files


def _html_part(message):
    html = message.get_body(preferencelist=("html",))
    return html.get_content() if html is not None else ""


def own_text(message, user=None):
    """The sender's own words: the plain part (or the HTML part without its quote markup, as
    text), without the quoted message, the client's quote header or the signature (also a
    trailing signature block without delimiter, recognised by the account's name)."""
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None:
        text = plain.get_content()
    else:
        # Structure first (blocks become lines, so that "Le … a écrit :" stands on its own
        # line for the quote stripper); the text then goes through sanitize_html when posted.
        text = html_to_text(_without_html_quotes(NON_TEXT_BLOCKS.sub("", _html_part(message))))
    names = (user.first_name, user.last_name) if user is not None else ()
    return strip_trailing_signature(strip_quotes_and_signature(text), names)


def _without_html_quotes(html):
    if not html.strip():
        return html
    soup = BeautifulSoup(html, "lxml")
    start = soup.select_one(HTML_QUOTE_FOLLOWS)
    if start is not None:
        for element in list(start.find_all_next()):
            element.decompose()
        start.decompose()
    for element in soup.select(HTML_QUOTES):
        element.decompose()
    body = soup.body or soup
    return body.decode_contents()


def strip_quotes_and_signature(text):
    text = (text or "").replace("\xa0", " ").replace("\r\n", "\n")
    separator = TEXT_SEPARATOR.search(text)
    if separator:
        text = text[: separator.start()]
    parsed = ParsedReply(text=text, languages=["fr", "en"]).read()
    # The first fragment up to the first quote header, with its signature (cut below).
    text = parsed.replies[0].full_body if parsed.replies else ""
    lines = text.split("\n")
    first = next((n for n, line in enumerate(lines) if line.strip()), 0)
    for n, line in enumerate(lines):
        if n <= first:
            continue
        if SIGNATURE_DELIMITER.match(line.strip()):
            lines = lines[:n]
            break
        tail = sum(1 for rest in lines[n + 1 :] if rest.strip())
        if SIGN_OFF.match(line.strip()) and tail <= SIGNATURE_MAX_LINES:
            lines = lines[:n]
            break
    return "\n".join(lines).strip()


# A trailing signature without "-- " nor sign-off: the last block (after a blank line) of at most
# SIGNATURE_BLOCK_MAX_LINES short lines, one of them the sender's own name, the others a job
# title, phone numbers, URLs, e-mail addresses or postal address lines. Conservative: any line
# that reads as prose (long, sentence punctuation, lowercase start) keeps the whole block.
SIGNATURE_BLOCK_MAX_LINES = 6
SIGNATURE_LINE_MAX_CHARS = 80
SIGNATURE_LINE_MAX_WORDS = 12
PHONE_LINE = re.compile(
    r"^(?:(?i:t[ée]l(?:[ée]phone)?|port(?:able)?|mobile|fixe|standard|fax|ligne directe)"
    r"\.?\s*(?:[:.]\s*)?)?\+?[\d\s().-]{8,22}$"
)
URL_LINE = re.compile(
    r"^(?:https?://\S+|www\.\S+|[\w-]+(?:\.[\w-]+)*\.(?:fr|com|org|net|eu|gouv\.fr))/?\S*$", re.I
)
EMAIL_LINE = re.compile(r"^(?:(?i:courriel|e-?mail|mél)\s*:?\s*)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
ADDRESS_LINE = re.compile(
    r"^(?:\d{1,4}\s*(?:bis|ter)?,?\s+(?i:rue|avenue|av\.|boulevard|bd|place|allée|chemin|"
    r"impasse|quai|route|cours|square|passage|esplanade|rond-point)\b.*"
    r"|(?i:bp|cs|cedex)\s*\d+.*"
    r"|\d{5}\s+[A-ZÀ-Ýa-zà-ÿ' -]+(?:\s+(?i:cedex)(?:\s*\d+)?)?)$"
)
PROSE = re.compile(r"[.!?:;…]\s*$|[.!?;]\s+\w|\?|!")


def strip_trailing_signature(text, names=()):
    """`text` without its trailing signature block (see SIGNATURE_BLOCK_MAX_LINES); unchanged
    when the block does not carry the sender's name or any line of it reads as prose."""
    tokens = {_fold(part) for name in names for part in re.split(r"[\s-]+", name or "") if part}
    tokens.discard("")
    if not tokens:
        return text
    blocks = re.split(r"\n[ \t]*\n", text.strip())
    if len(blocks) < 2:
        return text
    previous = blocks[-2].rstrip()
    if previous.endswith(":"):  # "Mes coordonnées :" introduces what follows, on purpose
        return text
    lines = [line.strip() for line in blocks[-1].split("\n") if line.strip()]
    if not lines or len(lines) > SIGNATURE_BLOCK_MAX_LINES:
        return text
    kinds = [_signature_line_kind(line, tokens) for line in lines]
    if None in kinds or "name" not in kinds or len(lines) < 2:
        return text
    return "\n\n".join(blocks[:-1]).strip()


def _fold(word):
    word = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in word if c.isalnum())


def _signature_line_kind(line, tokens):
    if len(line) > SIGNATURE_LINE_MAX_CHARS:
        return None
    if PHONE_LINE.match(line) and sum(c.isdigit() for c in line) >= 9:
        return "phone"
    if EMAIL_LINE.match(line):
        return "email"
    if URL_LINE.match(line):
        return "url"
    if ADDRESS_LINE.match(line):
        return "address"
    words = [_fold(word) for word in re.split(r"[\s-]+", line) if _fold(word)]
    if (
        line[0].isupper()
        and all(word in tokens or len(word) == 1 for word in words)
        and any(word in tokens for word in words)
    ):
        return "name"  # "Jeanne Martin", "J. MARTIN"
    if PROSE.search(line) or not (line[0].isupper() or line[0].isdigit()):
        return None
    if len(words) > SIGNATURE_LINE_MAX_WORDS:
        return None
    return "title"


def _is_account(sender):
    return get_user_model().objects.filter(email__iexact=sender, is_active=True).exists()


def _may_answer(sender, outcome):
    """Tell a person why, but at most once per rate window when they are over the limit."""
    if outcome.code != "rate":
        return True
    since = timezone.now() - timedelta(seconds=settings.INBOUND_EMAIL_RATE_SECONDS)
    return (
        InboundEmail.objects.filter(sender=sender, code="rate", received_at__gte=since).count() <= 1
    )


def _answer(sender, message, outcome):
    site = settings.WAGTAIL_SITE_NAME
    thread = outcome.thread
    if thread is not None:
        subject = f"[{site}] Réponse non publiée dans « {thread.title} »"
        where = f"Votre réponse à la discussion « {thread.title} » n'a pas été publiée."
        link = (
            f"La discussion : {absolute_url(thread.get_absolute_url())}"
            if outcome.readable
            else f"La plateforme : {site_url()}"
        )
    else:
        subject = f"[{site}] Votre réponse n'a pas été publiée"
        where = "Votre réponse n'a pas été publiée."
        link = f"La plateforme : {site_url()}"
    try:
        text = "" if outcome.code == "too_large" else own_text(message)
    except (LookupError, ValueError):  # an undecodable part: nothing to give back
        text = ""
    if len(text) > QUOTED_TEXT_MAX_CHARS:
        text = text[:QUOTED_TEXT_MAX_CHARS] + "\n[…]"
    returned = (
        "Votre texte, pour le reprendre :\n\n"
        + "\n".join(f"> {line}" if line else ">" for line in text.splitlines())
        + "\n\n"
        if text
        else ""
    )
    body = (
        f"Bonjour,\n\n{where}\n\n{outcome.reason}\n\n{link}\n\n{returned}"
        f"Ce message est automatique : merci de ne pas y répondre.\n"
    )
    headers = {"Auto-Submitted": "auto-replied"}
    original_id = str(message.get("Message-ID", "")).strip()
    if original_id:
        headers["In-Reply-To"] = original_id
        headers["References"] = original_id
    EmailMessage(subject=subject, body=body, to=[sender], headers=headers).send()
