"""The retention rules in words, from the settings that drive them: one text for the "Mes données"
page and the "Données personnelles" page (platform/cde_site/setup.py), so both stay truthful."""

from django.conf import settings

from commons.french import duration_in_days


def retention_rules():
    """French sentences, one per rule, describing what manage.py apply_retention does."""
    inactive = settings.RGPD_INACTIVE_ACCOUNT_DAYS
    warning = settings.RGPD_INACTIVE_WARNING_DAYS
    chat = settings.RGPD_CHAT_RETENTION_DAYS
    audit = settings.RGPD_AUDIT_RETENTION_DAYS
    rules = []
    if inactive:
        rules.append(
            "Un compte resté sans connexion ni visite pendant "
            f"{duration_in_days(inactive)} est anonymisé : un courriel prévient son titulaire au "
            f"moins {duration_in_days(warning)} avant, et il suffit de se connecter pour le "
            "conserver."
        )
    else:
        rules.append("Les comptes inactifs ne sont pas anonymisés automatiquement.")
    if chat:
        rules.append(
            "Les messages du chat d'un café-cité sont effacés "
            f"{duration_in_days(chat)} après la fin de la séance."
        )
    else:
        rules.append(
            "Les messages des chats des cafés-cités sont conservés sans limite de durée, sauf "
            "suppression par un animateur."
        )
    if audit:
        rules.append(
            "Le journal des actions de modération et d'administration est conservé "
            f"{duration_in_days(audit)}."
        )
    else:
        rules.append(
            "Le journal des actions de modération et d'administration est conservé sans limite "
            "de durée."
        )
    inbound = getattr(settings, "INBOUND_EMAIL_RETENTION_DAYS", 0)
    if inbound:
        rules.append(
            "Quand vous répondez à une notification par courriel, la plateforme garde une trace "
            f"de ce courriel (expéditeur, objet, date, suite donnée) pendant {duration_in_days(inbound)}, "
            "pour ne pas publier deux fois le même message et limiter les abus."
        )
    rules.append(
        "Les discussions, messages et documents des groupes sont conservés tant que le groupe "
        "existe ; quand un compte est supprimé, ils restent sous le nom « Compte supprimé »."
    )
    return rules
