"""One e-mail on standard input (an MTA pipe, e.g. Postfix's pipe transport): a reply by e-mail
is posted in its thread, or a French automatic answer tells its sender why not."""

import sys

from django.core.management.base import BaseCommand

from espace.inbound import receive

EX_TEMPFAIL = 75  # sysexits.h: the MTA keeps the message and tries again later


class Command(BaseCommand):
    help = "Lit un courriel (RFC 5322) sur l'entrée standard et le traite comme une réponse."

    def handle(self, *args, **options):
        raw = sys.stdin.buffer.read()
        try:
            outcome = receive(raw)
        except Exception as error:  # database down: the MTA retries instead of bouncing
            self.stderr.write(f"Traitement impossible pour l'instant : {error!r}")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(f"{outcome.status} {outcome.code}".strip())
