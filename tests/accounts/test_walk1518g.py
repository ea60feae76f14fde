"""Walk 1518g (#16 F9): the sign-up form does not tell whether an address has an account, as
« mot de passe oublié » does not; the owner of that address gets an e-mail instead."""

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory
from tests.utils import page_text

User = get_user_model()


def _sign_up(client, email):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "first_name": "Nadia",
            "last_name": "Nouvelle",
            "password1": "un-mot-de-passe-solide-2026",
            "password2": "un-mot-de-passe-solide-2026",
        },
        follow=True,
    )


def _answer(response):
    text = " ".join(page_text(response).split())
    return text[text.index("<main") :] if "<main" in text else text


def test_sign_up_with_an_existing_address_answers_as_for_a_new_one_and_mails_its_owner(
    client, settings
):
    """As in production (mandatory verification): a new address and an existing one get the
    same page; only the mailbox of the address tells."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    existing = UserFactory(email="deja.inscrite@example.org", first_name="Dominique")
    mail.outbox.clear()
    new = _sign_up(client, "nouvelle.personne@example.org")
    (welcome,) = [m for m in mail.outbox if m.to == ["nouvelle.personne@example.org"]]
    client.logout()
    mail.outbox.clear()
    users = User.objects.count()
    again = _sign_up(client, "Deja.Inscrite@example.org")
    # Same page, same words: nothing says the address has an account.
    assert again.status_code == new.status_code == 200
    assert again.redirect_chain[-1][0] == new.redirect_chain[-1][0]
    assert "Nous vous avons envoyé un courriel" in _answer(again)
    assert "existe déjà" not in _answer(again) and "déjà utilisée" not in _answer(again)
    assert User.objects.count() == users  # nothing created
    assert not User.objects.filter(first_name="Nadia", email__iexact=existing.email).exists()
    assert "_auth_user_id" not in client.session  # not logged into anybody's account
    (notice,) = mail.outbox
    assert notice.to == [existing.email]
    assert "Un compte existe déjà avec cette adresse" in notice.subject
    assert "demandé à créer un compte" in notice.body
    assert "/comptes/login/" in notice.body and "/comptes/password/reset/" in notice.body
    assert notice.subject != welcome.subject


def test_with_optional_verification_an_existing_address_is_not_revealed_either(client, settings):
    """The demo's optional verification: no « adresse déjà utilisée » error, the « courriel
    envoyé » page, the e-mail to the owner, nothing created."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    existing = UserFactory(email="deja.inscrite@example.org")
    users = User.objects.count()
    mail.outbox.clear()
    response = _sign_up(client, existing.email)
    assert response.status_code == 200
    assert "Nous vous avons envoyé un courriel" in _answer(response)
    assert "existe déjà" not in _answer(response)
    assert User.objects.count() == users and "_auth_user_id" not in client.session
    (notice,) = mail.outbox
    assert notice.to == [existing.email] and "demandé à créer un compte" in notice.body
