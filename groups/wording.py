"""The one wording of each group event, shared by Mon espace, the group page, the notifications
and the e-mails (each event, daily digest).

A sentence never names the group: the page puts the group after it (« — Groupe, 7 décembre »),
the digest under the group's heading, the notifications list beside it. Contents (discussions,
replies, mentions, documents) come first; arrivals of members are summed up after them.
"""

from commons.french import plural

DELETED_ACCOUNT = "Compte supprimé"

SENTENCES = {
    "thread": "{actor} a ouvert la discussion « {title} »",
    "reply": "{actor} a répondu à « {title} »",
    "mention": "{actor} vous a mentionné(e) dans « {title} »",
    "solution": "Votre réponse à « {title} » a été retenue comme solution",
    "document": "{actor} a déposé le document « {title} »",
    "version": "{actor} a déposé une nouvelle version de « {title} »",
    "joined": "{actor} a rejoint le groupe",
    "join_request": "{actor} demande à rejoindre le groupe",
}

# What members come for: listed before anything else, the newest first.
CONTENT_KINDS = ("thread", "reply", "mention", "solution", "document", "version")


def sentence(kind, *, actor="", title=""):
    """The sentence of one event, e.g. « Amandine Leroy a répondu à « Sujet » »."""
    return SENTENCES[kind].format(actor=actor or DELETED_ACCOUNT, title=title)


def joined(names):
    """One line for the members who joined a group: their name when alone, their number else
    (« 3 personnes ont rejoint le groupe »)."""
    if len(names) == 1:
        return sentence("joined", actor=names[0])
    return f"{len(names)} personne{plural(len(names))} ont rejoint le groupe"


def rank(kind):
    """Sort key: contents first, then the rest (arrivals, requests)."""
    return 0 if kind in CONTENT_KINDS else 1
