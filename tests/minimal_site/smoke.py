"""URL smoke test of a minimal site (run by tests/cde_site/test_pluggability.py with a
tests.minimal_site.settings_<app> module; not collected by the main run): `manage.py check`
passes, and every URL without parameters of the installed platform apps answers below 500 for
an anonymous visitor and for a logged-in professional."""

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.minimal_site import PLATFORM_APPS

pytestmark = pytest.mark.django_db


def _parameterless_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _parameterless_names(pattern.url_patterns, inner)
        elif (
            isinstance(pattern, URLPattern)
            and pattern.name
            and not pattern.pattern.converters
            and namespace.split(":")[0] in PLATFORM_APPS
        ):
            yield f"{namespace}{pattern.name}"


def site_urls():
    names = sorted(set(_parameterless_names(get_resolver().url_patterns)))
    return [reverse(name) for name in names]


def test_check_passes():
    call_command("check", fail_level="WARNING")


def test_only_installed_apps_and_the_site_app_urls_are_mounted():
    installed = {name for name in PLATFORM_APPS if apps.is_installed(name)}
    namespaces = set(get_resolver().namespace_dict)
    assert {app for app in PLATFORM_APPS if app in namespaces} <= installed
    if settings.MINIMAL_SITE_APP:
        assert apps.is_installed(settings.MINIMAL_SITE_APP)


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "professional"])
def test_every_url_answers_without_error(client, logged_in):
    from accounts.models import User

    if logged_in:
        client.force_login(User.objects.create_user(email="pro@example.org", password="x"))
    failures = []
    urls = site_urls()
    assert "/comptes/profil/" in urls
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            failures.append((url, response.status_code))
    assert not failures
