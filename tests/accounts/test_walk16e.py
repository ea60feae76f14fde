"""Walk 16e (issue #16): the account pages' findings, through the real views, database and
Redis (allauth's rate limits count in the cache)."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory
from tests.utils import clear_cache, page_text

pytestmark = pytest.mark.django_db


def _with_unconfirmed_address(client):
    user = UserFactory()
    client.force_login(user)
    EmailAddress.objects.create(user=user, email="pro@exemple.org", verified=False)
    return user


def test_resend_verification_sends_the_mail_and_says_so(client):
    _with_unconfirmed_address(client)
    response = client.post(
        reverse("account_email"), {"action_send": "", "email": "pro@exemple.org"}, follow=True
    )
    html = response.content.decode()
    assert "Courriel de confirmation envoyé à pro@exemple.org." in page_text(response)
    assert "data-cde-success-message" in html
    assert [m.to for m in mail.outbox] == [["pro@exemple.org"]]


def test_resend_beyond_the_rate_limit_says_the_earlier_link_still_works(client, settings):
    clear_cache()
    settings.ACCOUNT_RATE_LIMITS = {"confirm_email": "3/15m/key"}
    _with_unconfirmed_address(client)
    for _ in range(3):
        client.post(reverse("account_email"), {"action_send": "", "email": "pro@exemple.org"})
    assert len(mail.outbox) == 3
    response = client.post(
        reverse("account_email"), {"action_send": "", "email": "pro@exemple.org"}, follow=True
    )
    assert len(mail.outbox) == 3
    text = page_text(response)
    assert "les liens déjà reçus restent valables, le premier comme le dernier" in text
    assert "data-cde-success-message" in response.content.decode()


def test_resend_to_a_confirmed_address_says_there_is_nothing_to_send(client):
    user = UserFactory()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    client.force_login(user)
    response = client.post(
        reverse("account_email"), {"action_send": "", "email": user.email}, follow=True
    )
    assert f"L’adresse {user.email} est déjà confirmée" in page_text(response)
    assert mail.outbox == []


def test_profile_photo_can_be_removed_and_its_file_is_deleted(
    client, django_capture_on_commit_callbacks
):
    from tests.accounts.test_accounts import _image_bytes, _upload, profile_post

    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("accounts:profile"))
    assert "Retirer la photo" not in page_text(page)  # no photo yet: nothing to remove
    with django_capture_on_commit_callbacks(execute=True):
        profile_post(client, photo=_upload("moi.png", _image_bytes(), "image/png"))
    user.refresh_from_db()
    storage, name = user.photo.storage, user.photo.name
    assert name and storage.exists(name)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="remove_photo"' in html and "Retirer la photo" in html
    assert "Votre téléphone et votre photo ne sont montrés que sur cette page." in html

    # Both at once is refused, and nothing changes.
    response = profile_post(
        client, remove_photo="on", photo=_upload("autre.png", _image_bytes(), "image/png")
    )
    assert "retirer la photo ou en envoyer une nouvelle" in page_text(response)
    user.refresh_from_db()
    assert user.photo.name == name

    with django_capture_on_commit_callbacks(execute=True):
        response = profile_post(client, remove_photo="on")
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.photo
    assert not storage.exists(name)  # the old file is gone from the disk
    assert client.get(reverse("accounts:photo")).status_code == 404
    assert "Retirer la photo" not in page_text(client.get(reverse("accounts:profile")))


def _notice(to):
    (message,) = [m for m in mail.outbox if m.to == [to]]
    assert message.subject.startswith("[Cités de l'emploi] ")
    assert "Si vous n'en êtes pas à l'origine" in message.body
    assert "contact@cites-emploi.anct.gouv.fr" in message.body
    assert "L'équipe nationale des cités de l'emploi (ANCT)" in message.body
    return message


def test_password_change_sends_a_security_notice(client):
    from tests.factories import PASSWORD

    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    mail.outbox.clear()
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "Neuf-secret-2026!",
            "password2": "Neuf-secret-2026!",
        },
    )
    assert response.status_code == 302
    assert "Votre mot de passe a été modifié." in _notice(user.email).body


def test_password_reset_sends_a_security_notice(client):
    import re

    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(r"https?://\S+/password/reset/key/\S+", mail.outbox[-1].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    mail.outbox.clear()
    response = client.post(
        form_url, {"password1": "Neuf-secret-2026!", "password2": "Neuf-secret-2026!"}
    )
    assert response.status_code == 302
    assert "Votre mot de passe a été réinitialisé." in _notice(user.email).body


def test_new_primary_address_sends_a_notice_to_the_old_one(client):
    user = UserFactory()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    EmailAddress.objects.create(user=user, email="pro@exemple.org", verified=True)
    client.force_login(user)
    old = user.email
    client.post(reverse("account_email"), {"action_primary": "", "email": "pro@exemple.org"})
    assert "est désormais pro@exemple.org" in _notice(old).body


OUTBOX = "/notifications/courriels-de-demo/"


def _demo_mail(settings):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "notifications.outbox.DatabaseEmailBackend"


def test_anonymous_demo_mailbox_reads_the_reset_link_without_logging_in(client, settings):
    """Walk 16e F3: logging in to read the reset e-mail voided its link."""
    from notifications.models import OutboxEmail

    _demo_mail(settings)
    user = UserFactory(email="elise@exemple.org")
    other = UserFactory(email="autre@exemple.org")
    client.post(reverse("account_reset_password"), {"email": user.email})
    client.post(reverse("account_reset_password"), {"email": other.email})
    mine = OutboxEmail.objects.get(to="elise@exemple.org")
    theirs = OutboxEmail.objects.get(to="autre@exemple.org")
    page = page_text(client.get(OUTBOX))
    assert "Saisissez une adresse" in page and f"{OUTBOX}{mine.pk}/" not in page
    # Not a substring search: only the exact address typed.
    for typed in ("exemple.org", "lise@exemple.org"):
        assert f"{OUTBOX}{mine.pk}/" not in page_text(client.get(OUTBOX, {"adresse": typed}))
    assert "Saisissez une adresse électronique valide" in page_text(
        client.get(OUTBOX, {"adresse": "exemple.org"})
    )
    listing = page_text(client.get(OUTBOX, {"adresse": "Elise@exemple.org"}))
    assert f"{OUTBOX}{mine.pk}/" in listing and f"{OUTBOX}{theirs.pk}/" not in listing
    detail = page_text(client.get(f"{OUTBOX}{mine.pk}/"))
    assert "/password/reset/key/" in detail
    assert client.get(f"{OUTBOX}{theirs.pk}/").status_code == 404
    assert "_auth_user_id" not in client.session
    # The link read there still works: nobody logged in.
    import re

    link = re.search(r"https?://\S+/password/reset/key/\S+", mine.body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path, follow=True)
    assert "Lien de réinitialisation invalide" not in page_text(response)
    assert 'name="password1"' in response.content.decode()

    settings.DEBUG = False
    assert client.get(OUTBOX, {"adresse": "elise@exemple.org"}).status_code == 404
    assert client.get(f"{OUTBOX}{mine.pk}/").status_code == 404


def test_demo_mailbox_shows_the_confirmation_of_an_added_address(client, settings):
    """Walk 16e F5: the mail to an added (unconfirmed) address was only in the ANCT mailbox."""
    _demo_mail(settings)
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("account_email"), {"action_add": "", "email": "pro@exemple.org"})
    listing = page_text(client.get(OUTBOX))
    assert "pro@exemple.org" in listing and "Confirmez" in listing


def test_profile_card_role_wording_is_neutral(client):
    from tests.factories import CiteFactory

    cite = CiteFactory()
    for user, label in (
        (UserFactory(cite=cite, coordinator=True), "Coordination de la cité"),
        (UserFactory(cite=cite, partner=True), "Partenaire de la cité"),
        (UserFactory(), "Inscription sans cité"),
    ):
        client.force_login(user)
        text = page_text(client.get(reverse("accounts:profile")))
        assert f"{label}" in text
        assert "Coordinateur ou coordinatrice" not in text and "Professionnel inscrit" not in text
