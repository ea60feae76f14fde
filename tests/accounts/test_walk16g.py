"""Walk 16g (issue #16): the account findings, through the real views, PostgreSQL and Redis
(allauth's rate limits and django-axes' lockout count there)."""

import datetime
import re
import struct
import zlib
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.utils import clear_cache, page_text

pytestmark = pytest.mark.django_db

ALLAUTH_DEFAULT_LIMITS = {
    "reset_password": "20/m/ip,5/m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}


@pytest.fixture
def rate_limits(settings):
    clear_cache()
    settings.ACCOUNT_RATE_LIMITS = ALLAUTH_DEFAULT_LIMITS
    yield
    clear_cache()


def _assert_french_429(response, *phrases):
    assert response.status_code == 429
    text = page_text(response)
    assert "Too Many Requests" not in text
    assert "<title>Erreur : Trop de demandes" in text or "<title>Trop de demandes" in text
    assert "Réessayez dans 1 minute au plus" in text
    assert 'id="pied-de-page"' in text  # the site's own layout, footer included
    assert response["Retry-After"] == "60"
    for phrase in phrases:
        assert phrase in text
    return text


def test_password_reset_rate_limit_is_a_french_page(client, rate_limits):
    user = UserFactory()
    url = reverse("account_reset_password")
    statuses = [client.post(url, {"email": user.email}).status_code for _ in range(5)]
    assert 429 not in statuses
    text = _assert_french_429(
        client.post(url, {"email": user.email}),
        "Trop de demandes de réinitialisation du mot de passe",
        "le lien reçu par courriel reste utilisable",
    )
    assert f'href="{url}"' in text  # back to the form


def test_password_change_rate_limit_is_a_french_page(client, rate_limits):
    client.force_login(UserFactory())
    url = reverse("account_change_password")
    data = {"oldpassword": "faux", "password1": "Neuf-secret-2026!", "password2": "x"}
    for _ in range(5):
        assert client.post(url, data).status_code == 200
    text = _assert_french_429(
        client.post(url, data), "Trop de tentatives de changement du mot de passe"
    )
    assert f'href="{url}"' in text


def test_email_management_rate_limit_is_a_french_page(client, rate_limits):
    user = UserFactory()
    client.force_login(user)
    url = reverse("account_email")
    for _ in range(10):
        client.post(url, {"action_primary": "", "email": user.email})
    _assert_french_429(
        client.post(url, {"action_primary": "", "email": user.email}),
        "Trop d’actions sur vos adresses électroniques",
    )


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _reset_password(client, email, new_password):
    """« Mot de passe oublié ? » → the e-mailed link → the new password: the done page."""
    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": email})
    link = re.search(r"https?://[^/\s]+(/comptes/password/reset/key/\S+)", mail.outbox[0].body)
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    return client.get(response["Location"])


def test_password_reset_lifts_the_login_lockout(client, settings):
    """Walk 16g #2: the lockout page advises a new password; the new one now logs in at once."""
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(email="zoe2@exemple.fr")
    for _ in range(4):
        response = _login(client, "Zoe2@exemple.fr", "faux")
    assert response.status_code == 429
    text = page_text(response)
    assert "dès qu’il est enregistré, le blocage est levé" in text
    assert AccessAttempt.objects.filter(username=user.email).exists()

    _reset_password(client, user.email, "Nouveau-secret-2026!")
    assert not AccessAttempt.objects.filter(username=user.email).exists()
    response = _login(client, user.email, "Nouveau-secret-2026!")
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_password_reset_lifts_the_lockout_of_another_address_of_the_account(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory(email="zoe@exemple.fr")
    EmailAddress.objects.create(user=user, email="zoe.pro@exemple.org", verified=True)
    for _ in range(3):
        _login(client, "zoe.pro@exemple.org", "faux")
    assert _login(client, "zoe.pro@exemple.org", "faux").status_code == 429
    _reset_password(client, user.email, "Nouveau-secret-2026!")
    assert _login(client, "zoe.pro@exemple.org", "Nouveau-secret-2026!").status_code == 302


def test_password_reset_done_page_says_one_true_thing(client):
    """Walk 16g #3: no « celle-ci reste ouverte » after a reset, where no session is open; the
    sessions opened elsewhere are really ended."""
    user = UserFactory()
    elsewhere = Client()
    elsewhere.force_login(user)
    UserSession.objects.create(
        user=user, session_key=elsewhere.session.session_key, ip="10.0.0.2", user_agent="x"
    )
    text = page_text(_reset_password(client, user.email, "Nouveau-secret-2026!"))
    assert "celle-ci reste ouverte" not in text
    assert "bien été modifié" not in text
    assert text.count("toutes vos sessions ont été fermées") == 1
    assert "Connectez-vous avec le nouveau mot de passe." in text
    assert not UserSession.objects.filter(user=user).exists()
    assert elsewhere.get(reverse("accounts:profile")).status_code == 302


def test_security_notice_advises_the_reset_link_and_writes_the_time_in_french(client):
    """Walk 16g #4: whoever changed the password, its holder no longer knows it: the notice
    links « Mot de passe oublié ? », and writes « 0 h 59 » as the rest of the site."""
    user = UserFactory()
    client.force_login(user)
    mail.outbox.clear()
    moment = datetime.datetime(2026, 12, 8, 0, 59, tzinfo=datetime.UTC)
    with mock.patch("allauth.account.adapter.timezone.now", return_value=moment):
        response = client.post(
            reverse("account_change_password"),
            {
                "oldpassword": PASSWORD,
                "password1": "Nouveau-secret-2026!",
                "password2": "Nouveau-secret-2026!",
            },
        )
    assert response.status_code == 302
    (notice,) = mail.outbox
    body = notice.body
    assert "changez dès maintenant" not in body
    assert "« Mot de passe oublié ? »" in body
    assert "http://testserver/comptes/password/reset/" in body
    assert "8 décembre 2026 à 1 h 59" in body  # Europe/Paris


def test_contact_sentences_give_the_team_address(client, settings):
    """Walk 16g #7: « contactez l'équipe », « écrivez-nous » with the address to write to."""
    mailto = f'<a href="mailto:{settings.CONTACT_EMAIL}">{settings.CONTACT_EMAIL}</a>'
    response = client.get(reverse("account_reset_password_done"))
    assert mailto in page_text(response)
    client.force_login(UserFactory())
    text = page_text(client.get(reverse("rgpd:my_data")))
    assert "écrivez-nous" not in text
    assert f"écrivez à {mailto} pour qu'elle soit effacée" in text


def test_making_an_unconfirmed_address_primary_names_it_and_keeps_it_chosen(client):
    """Walk 16g #8."""
    user = UserFactory()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    EmailAddress.objects.create(user=user, email="zoe2@exemple.org", verified=False)
    client.force_login(user)
    response = client.post(
        reverse("account_email"),
        {"action_primary": "", "email": "zoe2@exemple.org"},
        follow=True,
    )
    text = page_text(response)
    assert "principale doit être vérifiée" not in text
    assert "Confirmez d’abord l’adresse zoe2@exemple.org" in text
    assert re.search(r'value="zoe2@exemple.org"\s+checked', text)
    assert not re.search(rf'value="{re.escape(user.email)}"\s+checked', text)
    assert EmailAddress.objects.get(primary=True, user=user).email == user.email


def test_a_single_primary_address_offers_no_action_that_can_only_fail(client):
    user = UserFactory()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    client.force_login(user)
    text = page_text(client.get(reverse("account_email")))
    assert 'name="action_primary"' not in text
    assert 'name="action_remove"' not in text
    assert "C’est la seule adresse de votre compte" in text
    EmailAddress.objects.filter(user=user).update(verified=False)
    text = page_text(client.get(reverse("account_email")))
    assert 'name="action_send"' in text and 'name="action_remove"' not in text


def _png_header(width, height):
    """A PNG whose header announces width × height (Pillow reads the size from it)."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def test_profile_photo_too_many_pixels_says_so_once(client):
    """Walk 16g #10: a huge image is « trop grande », not « corrompu »; one message, under the
    field and in the summary, without a third banner; the required-fields hint is there."""
    user = UserFactory()
    client.force_login(user)
    photo = SimpleUploadedFile("immense.png", _png_header(30000, 30000), "image/png")
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "Zoé", "last_name": "Martin", "photo": photo},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "corrompu" not in text
    assert "L'image est trop grande : 30\u202f000 × 30\u202f000 pixels." in text
    assert "n'a pas été enregistré" not in text
    assert "Le formulaire contient des erreurs" in text
    assert "Les champs marqués d'un astérisque (*) sont obligatoires." in text
    user.refresh_from_db()
    assert not user.photo


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("phone", "<script>alert(1)</script>", "Saisissez un numéro de téléphone"),
        ("phone", "appelez-moi", "Saisissez un numéro de téléphone"),
        ("organisation", "<b>Org</b>", "« < » et « > » ne sont pas acceptés"),
        ("fonction", "<i>Cheffe</i>", "« < » et « > » ne sont pas acceptés"),
    ],
)
def test_profile_identity_fields_follow_one_rule(client, field, value, message):
    """Walk 16g #19: the phone is a phone number; no markup in any identity field."""
    user = UserFactory()
    client.force_login(user)
    data = {"first_name": "Zoé", "last_name": "Martin", field: value}
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 200
    assert message in page_text(response)
    user.refresh_from_db()
    assert getattr(user, field) != value


@pytest.mark.parametrize("phone", ["01 23 45 67 89", "+33 1 23 45 67 89", "01.23.45.67.89", ""])
def test_profile_accepts_usual_phone_numbers(client, phone):
    user = UserFactory()
    client.force_login(user)
    data = {"first_name": "Zoé", "last_name": "Martin", "phone": phone}
    assert client.post(reverse("accounts:profile"), data).status_code == 302
    user.refresh_from_db()
    assert user.phone == phone
    assert 'type="tel"' in page_text(client.get(reverse("accounts:profile")))
