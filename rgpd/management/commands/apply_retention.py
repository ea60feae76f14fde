from django.conf import settings
from django.core.management.base import BaseCommand

from commons.french import unit_for
from rgpd.services import apply_retention


def count(number, forms):
    """ "3 comptes anonymisés", "1 compte anonymisé" (commons.french.unit_for agrees the words)."""
    return f"{number} {unit_for(number, forms)}"


class Command(BaseCommand):
    help = (
        "Applique les durées de conservation : avertit puis anonymise les comptes inactifs, "
        "efface les archives de chat des cafés-cités. À lancer chaque jour ; reprend là où une "
        "exécution interrompue s'est arrêtée."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Compte ce qui serait fait, sans rien changer."
        )

    def handle(self, *args, dry_run=False, **options):
        self.stdout.write(
            "Règles : anonymisation après "
            f"{settings.RGPD_INACTIVE_ACCOUNT_DAYS or '(désactivée)'} jours sans connexion "
            f"(avertissement {settings.RGPD_INACTIVE_WARNING_DAYS} jours avant), "
            f"chat effacé {settings.RGPD_CHAT_RETENTION_DAYS or '(désactivé)'} jours après "
            "la séance, journal d'audit gardé "
            f"{settings.RGPD_AUDIT_RETENTION_DAYS or '(sans limite)'} jours, traces des "
            "courriels reçus gardées "
            f"{getattr(settings, 'INBOUND_EMAIL_RETENTION_DAYS', 0) or '(sans limite)'} jours."
        )
        last = {}

        def progress(step, done, total):
            # One line per 10 % (and the last one), not one per item.
            decile = done * 10 // max(total, 1)
            if done == total or last.get(step) != decile:
                last[step] = decile
                self.stdout.write(f"  {step} : {done}/{total}")

        result = apply_retention(progress=progress, dry_run=dry_run)
        prefix = "À faire (simulation)" if dry_run else "Fait"
        parts = [
            count(result["warned"], "avertissements"),
            count(result["anonymised"], "compte anonymisé,comptes anonymisés"),
            count(result["chat_messages"], "message de chat effacé,messages de chat effacés"),
            count(
                result["audit_entries"],
                "entrée du journal d'audit effacée,entrées du journal d'audit effacées",
            ),
            count(
                result["inbound_emails"],
                "trace de courriel reçu effacée,traces de courriel reçu effacées",
            ),
            count(
                result["login_traces"],
                "session expirée ou échec de connexion effacé,"
                "sessions expirées ou échecs de connexion effacés",
            ),
        ]
        self.stdout.write(self.style.SUCCESS(f"{prefix} : {', '.join(parts)}."))
