from django.conf import settings
from django.urls import NoReverseMatch, reverse

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


def _nav_entries(path):
    entries = []
    for label, url_name in MAIN_NAV:
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
        "main_nav": _nav_entries(request.path),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "debug": settings.DEBUG,
    }
