"""What each app keeps about an account, exported and erased by the app itself: rgpd/
sits above every app and must not reach into their tables, so each app registers its provider
here, in its AppConfig.ready() (accounts/ is below every app that holds personal data; the same
inversion as themes.registry). rgpd.services.erase_account calls them inside its transaction."""

_erasers = {}


def register_eraser(name, erase, order=100):
    """`erase(user, old_email, new_email, files)`: delete or detach what the app holds about
    `user`, whose address `old_email` becomes `new_email`; append (storage, name) pairs of files
    to delete after commit to `files`. A higher `order` runs later (notifications/ last: the
    others may notify while they erase)."""
    _erasers[name] = (order, erase)
    return erase


def erasers():
    """(name, erase) by `order`, then registration order."""
    ordered = sorted(_erasers.items(), key=lambda item: item[1][0])
    return [(name, erase) for name, (_order, erase) in ordered]


_exporters = []  # (order, filename, export): several apps may give sections of one file


def register_exporter(filename, export, order=100):
    """`export(user, out)` -> JSON-serialisable data, written as `filename` in the « Mes données »
    archive (rgpd.export); `out.copy_file(field_file, arcname)` copies a stored file into the
    archive and returns its path there (None when the file is missing)."""
    if (order, filename, export) not in _exporters:
        _exporters.append((order, filename, export))
    return export


def exporters():
    """(filename, export) by `order`, then registration order."""
    ordered = sorted(_exporters, key=lambda item: item[0])
    return [(filename, export) for _order, filename, export in ordered]


def _addresses(user):
    from allauth.account.models import EmailAddress

    addresses = {user.email.lower()} if user.email else set()
    addresses |= {
        e.lower()
        for e in EmailAddress.objects.filter(user_id=user.pk).values_list("email", flat=True)
    }
    return addresses


def export_login_traces(user, out):
    """sessions.json: the open sessions « Mes sessions » lists, and what django-axes keeps of the
    logins to this account's addresses (the failed attempts until the lockout cool-off ends,
    the successful logins) — the « sessions et connexions » of the privacy page."""
    from allauth.usersessions.models import UserSession
    from axes.models import AccessAttempt, AccessLog

    from accounts.user_agents import describe

    addresses = _addresses(user)
    return {
        "sessions_ouvertes": [
            {
                "navigateur": describe(session.user_agent),
                "navigateur_detail": session.user_agent,
                "adresse_ip": session.ip,
                "ouverture": session.created_at,
                "derniere_activite": session.last_seen_at,
            }
            for session in UserSession.objects.filter(user_id=user.pk).order_by("created_at")
        ],
        "echecs_de_connexion": [
            {
                "adresse_electronique": attempt.username,
                "adresse_ip": attempt.ip_address,
                "navigateur": describe(attempt.user_agent),
                "nombre_d_echecs": attempt.failures_since_start,
                "dernier_essai": attempt.attempt_time,
            }
            for attempt in AccessAttempt.objects.filter(username__in=addresses).order_by(
                "attempt_time"
            )
        ],
        "connexions": [
            {
                "adresse_electronique": log.username,
                "adresse_ip": log.ip_address,
                "navigateur": describe(log.user_agent),
                "connexion": log.attempt_time,
                "deconnexion": log.logout_time,
            }
            for log in AccessLog.objects.filter(username__in=addresses).order_by("attempt_time")
        ],
    }
