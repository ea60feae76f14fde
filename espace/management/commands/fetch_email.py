"""Poll the IMAP mailbox of the reply addresses (IMAP_* settings): each unseen message is
handled like `receive_email`, then flagged as seen (and deleted with IMAP_DELETE_AFTER)."""

import contextlib
import imaplib
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from commons.french import plural
from espace.inbound import receive


def connect():
    if not settings.IMAP_HOST:
        raise CommandError("IMAP_HOST n'est pas défini : aucune boîte à relever.")
    client_class = imaplib.IMAP4_SSL if settings.IMAP_USE_SSL else imaplib.IMAP4
    client = client_class(settings.IMAP_HOST, settings.IMAP_PORT)
    client.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
    status, _ = client.select(settings.IMAP_MAILBOX)
    if status != "OK":
        raise CommandError(f"Boîte « {settings.IMAP_MAILBOX} » introuvable sur le serveur IMAP.")
    return client


def fetch_once(client):
    """Handle every unseen message; returns how many. A message is flagged only once handled:
    if processing fails (database down), it stays unseen for the next round."""
    status, data = client.uid("SEARCH", None, "UNSEEN")
    if status != "OK":
        raise CommandError("La recherche des messages non lus a échoué.")
    handled = 0
    for uid in data[0].split():
        status, parts = client.uid("FETCH", uid, "(BODY.PEEK[])")
        raw = next((p[1] for p in parts if isinstance(p, tuple)), None) if status == "OK" else None
        if raw is None:
            continue
        receive(raw)
        client.uid("STORE", uid, "+FLAGS", r"(\Seen)")
        if settings.IMAP_DELETE_AFTER:
            client.uid("STORE", uid, "+FLAGS", r"(\Deleted)")
        handled += 1
    if settings.IMAP_DELETE_AFTER and handled:
        client.expunge()
    return handled


class Command(BaseCommand):
    help = "Relève la boîte IMAP des réponses par courriel (réglages IMAP_*)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="Relever sans fin, toutes les --interval secondes."
        )
        parser.add_argument("--interval", type=int, default=60)

    def handle(self, *args, **options):
        while True:
            client = connect()
            try:
                handled = fetch_once(client)
            finally:
                with contextlib.suppress(OSError, imaplib.IMAP4.error):
                    client.logout()
            self.stdout.write(f"{handled} message{plural(handled)} traité{plural(handled)}.")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
