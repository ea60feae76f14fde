"""One name for the address field on every account form: « Adresse électronique » (DSFR)."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def labels(html):
    return [
        re.sub(r"<[^>]+>|\s+", " ", label).strip()
        for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)
    ]


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_public_account_forms_say_adresse_electronique(client, url_name):
    html = client.get(reverse(url_name)).content.decode()
    assert any(label.startswith("Adresse électronique") for label in labels(html)), labels(html)
    assert not re.search(r"(?i)\be-?mail\b(?![^<]*[\"'])", re.sub(r"<[^>]*>", " ", html))


def test_email_management_page_says_adresse_electronique(client):
    client.force_login(UserFactory())
    html = client.get(reverse("account_email")).content.decode()
    assert any(label.startswith("Adresse électronique") for label in labels(html)), labels(html)
    assert not re.search(r"(?i)\be-?mail\b", re.sub(r"<[^>]*>", " ", html))


def test_password_change_says_wrong_or_missing(client):
    from tests.utils import page_text

    client.force_login(UserFactory())
    url = reverse("account_change_password")
    new = {"password1": "un-nouveau-mot-de-passe-7", "password2": "un-nouveau-mot-de-passe-7"}
    wrong = page_text(client.post(url, {"oldpassword": "pas-le-bon", **new}))
    assert "Mot de passe actuel incorrect." in wrong
    assert "Merci d'indiquer" not in wrong
    empty = page_text(client.post(url, {"oldpassword": "", **new}))
    assert "Saisissez votre mot de passe actuel." in empty


def test_allauth_and_django_messages_use_the_site_vocabulary(client):
    from django.utils import translation

    with translation.override("fr"):
        from django.core.validators import EmailValidator

        assert str(EmailValidator.message) == "Saisissez une adresse électronique valide."
        assert (
            translation.gettext("Confirmation email sent to %(email)s.") % {"email": "a@b.fr"}
            == "Courriel de confirmation envoyé à a@b.fr."
        )
        assert translation.gettext("Successfully signed in as %(name)s.") % {"name": "X"} == (
            "Vous êtes connecté(e)."
        )
        assert "e-mail" not in translation.gettext("Please Confirm Your Email Address")


def test_adding_an_address_focuses_the_success_message(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "autre@exemple.fr"}, follow=True
    )
    html = response.content.decode()
    assert "Courriel de confirmation envoyé à autre@exemple.fr." in html
    assert "data-cde-success-message" in html
    assert "E-mail" not in html
    from django.core import mail

    message = mail.outbox[-1]
    assert "adresse électronique" in message.subject
    words = re.sub(r"\S+://\S+", "", message.subject + message.body)  # not in the links
    assert not re.search(r"(?i)\be-?mail\b", words)


def test_password_change_and_logged_out_sessions_focus_their_message(client):
    """Walk 16d: after these, the message was neither focused nor announced."""
    from django.template.loader import get_template

    from accounts.adapter import AccountAdapter
    from tests.factories import PASSWORD

    for name in AccountAdapter.FOCUSED_MESSAGES:  # a renamed allauth template would go unseen
        get_template(name)
    client.force_login(UserFactory())
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "Un-nouveau-mot-2026",
            "password2": "Un-nouveau-mot-2026",
        },
        follow=True,
    )
    assert "data-cde-success-message" in response.content.decode()
