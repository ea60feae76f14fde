"""Reply by e-mail: each notification of a discussion carries the recipient's own signed
address, reponse+<token>@<REPLY_EMAIL_DOMAIN>. The token names the person and the thread and
expires; nothing else is trusted from an incoming message.

The token must fit in an address's local part (64 characters at most, RFC 5321), without ":":
django.core.signing with "." as separator and SHA-224, whose signature is 38 characters.
"""

import re

from django.conf import settings
from django.core import signing

REPLY_SALT = "groups.reply-by-email"
LOCAL_PREFIX = "reponse+"
_ADDRESS = re.compile(r"^reponse\+([A-Za-z0-9_.\-]+)@", re.I)


def _signer():
    return signing.TimestampSigner(salt=REPLY_SALT, sep=".", algorithm="sha224")


def reply_token(user_id, thread_id):
    return _signer().sign(f"{signing.b62_encode(user_id)}-{signing.b62_encode(thread_id)}")


def reply_address(user, thread):
    """The Reply-To of `user`'s notifications about `thread`, or "" when replying by e-mail is
    not configured (REPLY_EMAIL_DOMAIN empty)."""
    domain = settings.REPLY_EMAIL_DOMAIN
    if not domain:
        return ""
    return f"{LOCAL_PREFIX}{reply_token(user.pk, thread.pk)}@{domain}"


class ReplyTokenError(Exception):
    """The French reason why an address cannot be used."""


class ExpiredReplyToken(ReplyTokenError):
    """The signature is authentic, only too old: `user_id` and `thread_id` are known (the answer
    may then link to the discussion, for a sender who can still read it)."""

    def __init__(self, message, user_id=None, thread_id=None):
        super().__init__(message)
        self.user_id, self.thread_id = user_id, thread_id


def validity_in_words():
    """« 60 jours », « 1 jour », the lifetime of a reply address as people read it."""
    days = settings.REPLY_EMAIL_MAX_AGE_DAYS
    if days < 1:
        return "moins d'un jour"
    return f"{days} jour{'s' if days >= 2 else ''}"


def _ids(value):
    user_part, _, thread_part = value.partition("-")
    return signing.b62_decode(user_part), signing.b62_decode(thread_part)


def token_from_address(address):
    match = _ADDRESS.match(address or "")
    return match.group(1) if match else None


def read_reply_token(token):
    """(user id, thread id), or ReplyTokenError with the French reason."""
    max_age = settings.REPLY_EMAIL_MAX_AGE_DAYS * 24 * 3600
    try:
        value = _signer().unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        # Authentic but too old (unsign without max_age checks the signature alone).
        user_id, thread_id = _ids(_signer().unsign(token))
        raise ExpiredReplyToken(
            "L'adresse de réponse de ce courriel a expiré : elle n'était valable que "
            f"{validity_in_words()} après l'envoi de la notification. Répondez depuis la "
            "discussion sur la plateforme.",
            user_id=user_id,
            thread_id=thread_id,
        ) from None
    except signing.BadSignature:
        raise ReplyTokenError(
            "L'adresse de réponse utilisée n'est pas valide : elle a peut-être été modifiée. "
            "Répondez depuis la discussion sur la plateforme."
        ) from None
    return _ids(value)
