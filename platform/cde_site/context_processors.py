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
        active = path == url if url == "/" else path.startswith(url)
        entries.append({"label": label, "url": url, "active": active})
    return entries


def platform(request):
    return {
        "main_nav": _nav_entries(request.path),
        "site_name": settings.WAGTAIL_SITE_NAME,
        "debug": settings.DEBUG,
    }
