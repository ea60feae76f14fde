"""The page shown when one of allauth's rate limits refuses a request (handler429): the site's
own French page, saying what was refused, how long to wait and where to go back, instead of
allauth's bare English « 429 Too Many Requests »."""

import math

from django.shortcuts import render

# The URL names of allauth's rate-limited views, with the allauth action each one counts and
# what the page says was too frequent.
ACTIONS = {
    "account_login": ("login", "Trop de tentatives de connexion depuis votre réseau."),
    "account_signup": ("signup", "Trop de créations de compte depuis votre réseau."),
    "account_reset_password": (
        "reset_password",
        "Trop de demandes de réinitialisation du mot de passe en peu de temps.",
    ),
    "account_reset_password_from_key": (
        "reset_password_from_key",
        "Trop de liens de réinitialisation ouverts en peu de temps.",
    ),
    "account_change_password": (
        "change_password",
        "Trop de tentatives de changement du mot de passe en peu de temps.",
    ),
    "account_set_password": (
        "change_password",
        "Trop de tentatives de définition du mot de passe en peu de temps.",
    ),
    "account_email": (
        "manage_email",
        "Trop d’actions sur vos adresses électroniques en peu de temps.",
    ),
    "accounts:email": (
        "manage_email",
        "Trop d’actions sur vos adresses électroniques en peu de temps.",
    ),
    "account_reauthenticate": (
        "reauthenticate",
        "Trop de confirmations d’identité en peu de temps.",
    ),
}

# What to do meanwhile, for the actions where waiting is not the only way.
ADVICE = {
    "reset_password": (
        "Si une demande est déjà partie, le lien reçu par courriel reste utilisable : pensez à "
        "regarder dans les courriels indésirables."
    ),
    "change_password": (
        "Si vous ne connaissez plus votre mot de passe actuel, déconnectez-vous et choisissez-en "
        "un nouveau avec « Mot de passe oublié ? »."
    ),
}


def wait_minutes(action):
    """The longest window of `action`'s allauth rate limits, in minutes (at least one): the
    request is accepted again at the latest after it."""
    from allauth.account import app_settings
    from allauth.core.internal.ratelimit import parse_rates

    rates = parse_rates((app_settings.RATE_LIMITS or {}).get(action)) if action else []
    seconds = max((rate.duration for rate in rates), default=60)
    return max(1, math.ceil(seconds / 60))


def rate_limited(request, exception=None):
    match = getattr(request, "resolver_match", None)
    action, what = ACTIONS.get(
        getattr(match, "view_name", None) or "",
        (None, "Trop de demandes ont été envoyées en peu de temps."),
    )
    minutes = wait_minutes(action)
    context = {
        "what": what,
        "advice": ADVICE.get(action, ""),
        "minutes": minutes,
        # allauth never limits a GET: going back to the page shows it again, unchanged.
        "back_url": request.path if request.method != "GET" else "/",
    }
    response = render(request, "account/rate_limited.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
