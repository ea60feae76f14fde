from django.conf import settings
from django.urls import NoReverseMatch, reverse

from accounts.roles import is_anct, is_cite_member

# Main navigation, in the order the network expects. An entry whose app is not installed
# (its URL name does not resolve) is simply left out, so apps stay pluggable.
MAIN_NAV = [
    ("Accueil", "home"),
    ("Cités", "cites:directory"),
    ("Groupes", "groups:index"),
    ("Cafés-cités", "cafes_cites:agenda"),
    ("Ressources", "ressources:index"),
    ("Veille", "ressources:bulletins"),
    ("Champs d'action", "themes:index"),
    ("Recherche", "search:search"),
]

# Entries only some people can open: ANCT's steering dashboard (pilotage:index leads ANCT there,
# and a cité's team to its questionnaires) without going through the Wagtail admin.
ROLE_NAV = [
    ("Pilotage", "pilotage:index", lambda user: is_anct(user) or is_cite_member(user)),
]


def _nav_entries(path, user=None):
    entries = []
    allowed = [(label, name) for label, name, allows in ROLE_NAV if user and allows(user)]
    for label, url_name in MAIN_NAV + allowed:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        entries.append({"label": label, "url": url, "active": False})
    # Only the most specific entry is current (/ressources/veille/ is "Veille", not "Ressources").
    matching = [
        e for e in entries if (path == e["url"] if e["url"] == "/" else path.startswith(e["url"]))
    ]
    if matching:
        max(matching, key=lambda e: len(e["url"]))["active"] = True
    return entries


def platform(request):
    return {
        "main_nav": _nav_entries(request.path, getattr(request, "user", None)),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "contact_email": settings.CONTACT_EMAIL,
        "debug": settings.DEBUG,
    }
