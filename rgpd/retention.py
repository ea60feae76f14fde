"""The retention rules in words, from the settings that drive them: one text for the "Mes données"
page and the "Données personnelles" page (platform/cde_site/setup.py), so both stay truthful."""

from django.conf import settings
from django.utils.html import format_html

from commons.french import duration_in_days


def retention_rules():
    """French sentences, one per rule, describing what manage.py apply_retention does (plain
    text, or safe HTML for the one with a contact link)."""
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
    session_days = max(1, settings.SESSION_COOKIE_AGE // 86400)
    rules.append(
        "Vos sessions de connexion (adresse IP, navigateur, dates), listées sur « Mes sessions », "
        "sont effacées à la déconnexion, quand vous les fermez depuis « Mes sessions » ou changez de "
        f"mot de passe ; une session laissée ouverte expire au bout de {duration_in_days(session_days)} "
        "sans visite et est effacée dans la nuit qui suit."
    )
    cool_off = settings.AXES_COOLOFF_TIME
    cool_off_minutes = round(cool_off * 60) if isinstance(cool_off, (int, float)) else None
    rules.append(
        "Les échecs de connexion (adresse saisie, adresse IP, navigateur) servent au blocage "
        "temporaire des connexions : ils sont effacés à la connexion réussie suivante, et sinon "
        + (
            f"dans la nuit qui suit la fin du blocage ({cool_off_minutes} minutes)."
            if cool_off_minutes
            else "dans la nuit qui suit la fin du blocage."
        )
    )
    login_days = getattr(settings, "RGPD_LOGIN_LOG_RETENTION_DAYS", 0)
    rules.append(
        "Le journal des connexions réussies (adresse, adresse IP, navigateur, dates), tenu pour la "
        "sécurité des comptes, est "
        + (
            f"effacé au bout de {duration_in_days(login_days)}."
            if login_days
            else "conservé sans limite de durée."
        )
    )
    rules.append(
        format_html(
            "Abonnement au bulletin de veille : l'adresse et les champs d'action choisis sont "
            "conservés tant que l'abonnement dure. Une demande non confirmée n'est pas "
            "enregistrée. Après un désabonnement, l'adresse est gardée avec sa date de "
            "désabonnement, pour ne plus rien vous envoyer ; écrivez à "
            '<a href="mailto:{}">{}</a> pour qu\'elle soit effacée.',
            settings.CONTACT_EMAIL,
            settings.CONTACT_EMAIL,
        )
    )
    rules.append(
        "Les discussions, messages et documents des groupes sont conservés tant que le groupe "
        "existe ; quand un compte est supprimé, ils restent sous le nom « Compte supprimé »."
    )
    return rules
