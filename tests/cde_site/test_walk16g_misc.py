"""Walk 16g details #13 to #16, through the real middleware, views and PostgreSQL."""

import html
import urllib.error
import urllib.request

import pytest

from cde_site.setup import setup_site
from tests.factories import UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def test_unknown_notification_is_the_sites_404(client):
    """#13: it went back to the list without a word."""
    client.force_login(UserFactory())
    response = client.get("/notifications/99999/")
    assert response.status_code == 404
    assert "Page non trouvée" in page_text(response)


def test_admin_refusal_says_who_to_write_to_once(client, settings):
    """#14: two sentences said the same thing."""
    client.force_login(UserFactory())
    text = page_text(client.get("/admin/"))
    assert "Pour toute demande" not in text
    assert text.count("écrivez à l'équipe nationale") == 1
    assert f"mailto:{settings.CONTACT_EMAIL}" in text


def _http_get(url):
    """A real HTTP request (the test client resolves every address it is given)."""
    try:
        with urllib.request.urlopen(url) as response:  # noqa: S310 - the live test server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_demo_address_no_route_matches_is_the_sites_404(live_server, settings):
    """#15: DEBUG answered with Django's English page listing every route."""
    setup_site()
    settings.DEBUG = True
    for path in ("/comptes/password/reset/key/%3Cscript%3E/", "/a%20b/"):
        status, text = _http_get(live_server.url + path)
        assert status == 404
        assert "Page non trouvée" in html.unescape(text)
        assert "URLconf" not in text and "cde_site.urls" not in text
    settings.DEBUG_TECHNICAL_404 = True
    assert "URLconf" in _http_get(live_server.url + "/a%20b/")[1]


def test_every_response_closes_unused_browser_features(client):
    """#16: Permissions-Policy on pages, errors and the admin."""
    setup_site()
    for path in ("/", "/comptes/login/", "/nexistepas/", "/admin/login/"):
        policy = client.get(path)["Permissions-Policy"]
        assert "camera=()" in policy and "microphone=()" in policy
        assert "geolocation=()" in policy


def test_demo_accounts_have_their_address_verified(client):
    """#17: « non vérifiée » on every demo account looked like a fault."""
    from allauth.account.models import EmailAddress

    from accounts.models import User
    from cde_site.demo import build_cites, build_users

    build_cites()
    build_users()
    users = list(User.objects.filter(is_demo=True))
    assert users
    for user in users:
        (address,) = EmailAddress.objects.filter(user=user)
        assert address.verified and address.primary and address.email == user.email
    client.force_login(users[0])
    text = page_text(client.get("/comptes/email/"))
    assert "Non vérifiée" not in text
    assert 'name="action_send"' not in text
