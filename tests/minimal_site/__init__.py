"""Minimal Wagtail sites for the pluggability test (tests/cde_site/test_pluggability.py): the host with
`themes`, `cites`, `accounts` and one app at a time (plus the apps below it), on SQLite.

Each settings_<app>.py module builds its settings with site_settings(); the test runs
`manage.py check` and the app's URL smoke test in a subprocess with that module."""

PLATFORM_APPS = [
    "themes",
    "cites",
    "accounts",
    "audit",
    "notifications",
    "groups",
    "ressources",
    "cafes_cites",
    "search",
    "rgpd",
    "espace",
    "pilotage",
]
APP_SETTING_PREFIXES = (
    "CAFES_CITES_",
    "GROUP_",
    "RGPD_",
    "ELASTICSEARCH_",
    "RESSOURCES_",
    "PILOTAGE_",
    "INBOUND_EMAIL_",
    "IMAP_",
)
# The README's recipe: every minimal site has these.
BASE_APPS = {"themes", "cites", "accounts"}
# The apps each app needs below it (the layers of pyproject.toml's import-linter contract).
BELOW = {
    "audit": set(),
    "notifications": set(),
    "search": set(),
    "groups": {"audit", "notifications", "search"},
    # followed fiches, proposals and their audit lines (issue #18)
    "ressources": {"audit", "notifications", "search"},
    "cafes_cites": {"audit", "search"},
    "rgpd": {"audit"},
    "espace": {"audit", "notifications", "search", "groups", "cafes_cites", "ressources"},
    "pilotage": {"audit"},
}


def site_settings(app=None):
    """Settings (a dict for globals().update) of the full test site minus every platform app
    outside BASE_APPS, `app` and the apps below it; their middleware and context processors go
    too, as a host without them would have."""
    from cde_site.settings import test as full

    kept = BASE_APPS | ({app} | BELOW[app] if app else set())
    dropped = [name for name in PLATFORM_APPS if name not in kept]

    def keep(dotted):
        return dotted.split(".")[0] not in dropped

    # Another site has none of the apps' own settings: their defaults live in each app's conf.py.
    values = {
        name: getattr(full, name)
        for name in dir(full)
        if name.isupper() and not name.startswith(APP_SETTING_PREFIXES)
    }
    values["INSTALLED_APPS"] = [name for name in full.INSTALLED_APPS if keep(name)]
    values["MIDDLEWARE"] = [name for name in full.MIDDLEWARE if keep(name)]
    templates = [dict(engine, OPTIONS=dict(engine["OPTIONS"])) for engine in full.TEMPLATES]
    for engine in templates:
        processors = engine["OPTIONS"].get("context_processors", [])
        engine["OPTIONS"]["context_processors"] = [p for p in processors if keep(p)]
    values["TEMPLATES"] = templates
    values["MINIMAL_SITE_APP"] = app or ""
    return values
