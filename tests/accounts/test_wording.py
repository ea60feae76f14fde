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


def test_password_change_says_too_short_and_mismatched_at_once(client):
    from tests.factories import PASSWORD
    from tests.utils import page_text

    client.force_login(UserFactory())
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "court", "password2": "autre"},
    )
    text = page_text(response)
    assert "trop court" in text
    assert "Vous devez saisir deux fois le même mot de passe." in text


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


ALLAUTH_EMAILS = [
    "account/email/account_already_exists",
    "account/email/email_changed",
    "account/email/email_confirm",
    "account/email/email_confirmation",
    "account/email/email_confirmation_signup",
    "account/email/email_deleted",
    "account/email/login_code",
    "account/email/password_changed",
    "account/email/password_reset_code",
    "account/email/password_reset_key",
    "account/email/password_reset",
    "account/email/password_set",
    "account/email/unknown_account",
]


@pytest.mark.parametrize("template_prefix", ALLAUTH_EMAILS)
def test_every_allauth_email_is_french_and_signed_like_the_platform(rf, template_prefix):
    """allauth's own wording (« Bonjour, c'est … ! », « cet email », « créer un compte » for an
    added address) is replaced by the platform's: French, same prefix, same signature."""
    from allauth.account.adapter import get_adapter
    from django.utils import timezone

    request = rf.get("/")
    adapter = get_adapter(request)
    user = UserFactory(email="a@exemple.fr")
    context = {
        "user": user,
        "email": "a@exemple.fr",
        "code": "ABC123",
        "password_reset_url": "https://x/r",
        "signup_url": "https://x/s",
        "from_email": "a@exemple.fr",
        "to_email": "b@exemple.fr",
        "deleted_email": "c@exemple.fr",
        "ip": "192.0.2.1",
        "user_agent": "Firefox",
        "timestamp": timezone.now(),
    }
    from allauth.core.context import request_context
    from django.core import mail

    with request_context(request):  # as during a request (allauth's middleware)
        adapter.send_mail(template_prefix, "a@exemple.fr", context)
    message = mail.outbox[-1]
    assert message.subject.startswith("[Cités de l'emploi] ")
    assert message.body.startswith("Bonjour,\n")
    assert "L'équipe nationale des cités de l'emploi (ANCT)\n\n--\nCités de l'emploi — " in (
        message.body
    )
    words = re.sub(r"\S+://\S+|\S+@\S+", "", message.subject + message.body)
    assert not re.search(r"(?i)\be-?mail\b|c'est Cités|\b(the|your|you)\b", words), words


def test_added_address_email_does_not_speak_of_creating_an_account(client):
    from django.core import mail

    client.force_login(UserFactory(first_name="Camille", last_name="Martin"))
    client.post(reverse("account_email"), {"action_add": "", "email": "autre@exemple.fr"})
    body = mail.outbox[-1].body
    assert "ajoutée au compte de Camille Martin" in body
    assert "créer un compte" not in body
    assert "/comptes/confirm-email/" in body


def test_addresses_page_marks_the_login_address_as_primary(client):
    """An account created outside allauth's signup has no EmailAddress until this page is
    opened; allauth then records the login address as non-primary."""
    user = UserFactory(email="camille@exemple.fr")
    client.force_login(user)
    html = client.get(reverse("account_email")).content.decode()
    row = re.search(r"camille@exemple\.fr(.*?)</label>", html, re.S).group(1)
    assert "Adresse principale" in row


def test_confirming_an_added_address_returns_to_the_addresses_page(client):
    from django.core import mail

    client.force_login(UserFactory(email="camille@exemple.fr"))
    client.post(reverse("account_email"), {"action_add": "", "email": "autre@exemple.fr"})
    link = re.search(r"https?://\S+(/comptes/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    response = client.post(link, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_email")
    html = response.content.decode()
    assert "data-cde-success-message" in html
    message = re.sub(r"<[^>]+>|\s+", " ", html.split("data-cde-success-message")[-1])
    assert "Adresse électronique autre@exemple.fr confirmée." in message
    primary = re.search(r"camille@exemple\.fr(.*?)</label>", html, re.S).group(1)
    assert "Adresse principale" in primary
