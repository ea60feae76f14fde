import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from PIL import Image

from accounts.models import User
from accounts.roles import is_anct, is_cite_member, role_label
from tests.factories import PASSWORD, UserFactory
from tests.utils import page_text


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_signup_creates_account_with_profile(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "Nouvelle.Partenaire@Example.org",
            "first_name": "Nadia",
            "last_name": "Nouvelle",
            "organisation": "PLIE",
            "fonction": "Chargée de relation entreprises",
            "password1": "un-mot-de-passe-solide-2026",
            "password2": "un-mot-de-passe-solide-2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle.partenaire@example.org")
    assert (user.first_name, user.organisation) == ("Nadia", "PLIE")
    assert role_label(user) == "Inscription sans cité"


def test_signup_errors_are_in_french_and_create_nothing(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "pas-un-email",
            "first_name": "",
            "last_name": "X",
            "password1": "a",
            "password2": "b",
        },
    )
    html = page_text(response)
    assert response.status_code == 200
    assert "Saisissez une adresse électronique valide" in html
    assert "Saisissez votre prénom." in html
    assert "trop court" in html
    # Both errors of a too short and mistyped password at once, not one per try.
    assert "Vous devez saisir deux fois le même mot de passe." in html
    assert User.objects.count() == 0


def test_demo_domain_is_reserved(client, settings):
    client.post(
        reverse("account_signup"),
        {
            "email": f"intrus@{settings.DEMO_EMAIL_DOMAIN}",
            "first_name": "A",
            "last_name": "B",
            "password1": "un-mot-de-passe-solide-2026",
            "password2": "un-mot-de-passe-solide-2026",
        },
    )
    assert not User.objects.filter(email__endswith=settings.DEMO_EMAIL_DOMAIN).exists()


def test_login_with_email_and_password(client):
    user = UserFactory()
    response = login(client, user.email)
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_wrong_password_gets_french_error(client):
    user = UserFactory()
    html = page_text(login(client, user.email, "mauvais"))
    assert "L'adresse électronique ou le mot de passe est incorrect." in html
    assert "sont incorrects" not in html
    assert "Mot de passe oublié ?" in html  # the way out the message names is on the page


@pytest.mark.parametrize(
    "next_url, reason",
    [
        ("/groupes/", "Connectez-vous pour accéder à vos groupes."),
        ("/notifications/", "Connectez-vous pour accéder à cette page."),
    ],
)
def test_login_page_says_why_a_visitor_was_sent_there(client, next_url, reason):
    response = client.get(next_url, follow=True)
    assert response.redirect_chain, next_url
    assert reason in page_text(response)
    assert "Connectez-vous pour" not in page_text(client.get(reverse("account_login")))


@pytest.mark.parametrize("debug, can_login", [(False, False), (True, True)])
def test_demo_accounts_refused_when_debug_off(client, settings, debug, can_login):
    settings.DEBUG = debug
    user = UserFactory(is_demo=True)
    login(client, user.email)
    response = client.get(reverse("accounts:profile"))
    assert (response.status_code == 200) is can_login


def test_existing_demo_session_dies_when_debug_is_off(client, settings):
    user = UserFactory(is_demo=True)
    client.force_login(user)
    settings.DEBUG = False
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_password_reset_by_email(client):
    user = UserFactory()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "mot de passe" in message.body.lower()
    link = re.search(r"https?://[^/\s]+(/comptes/password/reset/key/\S+)", message.body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(
        form_url,
        {"password1": "nouveau-mot-de-passe-2026", "password2": "nouveau-mot-de-passe-2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("nouveau-mot-de-passe-2026")


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def _image_bytes(fmt="PNG", size=(32, 32)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, fmt)
    return buffer.getvalue()


def _upload(name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def profile_post(client, **extra):
    data = {
        "first_name": "Prénom",
        "last_name": "Nom",
        "organisation": "Mission locale",
        "fonction": "Conseillère",
        "phone": "",
    }
    return client.post(reverse("accounts:profile"), {**data, **extra})


@pytest.mark.parametrize(
    "names, message",
    [
        ({"first_name": "  "}, "Prénom : Saisissez votre prénom."),
        ({"last_name": ""}, "Nom : Saisissez votre nom."),
        (
            {"first_name": "<b>Léa</b>"},
            "Prénom : Les caractères « < » et « > » ne sont pas acceptés.",
        ),
        ({"last_name": "Moreau>"}, "Nom : Les caractères « < » et « > » ne sont pas acceptés."),
    ],
)
def test_profile_names_are_required_and_refuse_markup(client, names, message):
    user = UserFactory(first_name="Léa", last_name="Moreau")
    client.force_login(user)
    response = profile_post(client, **names)
    assert response.status_code == 200
    assert message in page_text(response)
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Léa", "Moreau")


def test_signup_refuses_markup_in_names(client):
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "<i>Léa",
            "last_name": "Moreau",
            "email": "lea@exemple.fr",
            "password1": "un-mot-de-passe-solide-7",
            "password2": "un-mot-de-passe-solide-7",
        },
    )
    assert "Les caractères « < » et « > » ne sont pas acceptés." in page_text(response)
    assert not User.objects.filter(email="lea@exemple.fr").exists()


def test_profile_update_with_photo(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    user = UserFactory()
    client.force_login(user)
    response = profile_post(client, photo=_upload("moi.png", _image_bytes(), "image/png"))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.fonction == "Conseillère"
    assert user.photo.name == f"profils/{user.pk}/photo.png"
    # Private storage, out of MEDIA_ROOT: only the owner's photo view serves it.
    assert (tmp_path / "private" / user.photo.name).exists()
    assert not (tmp_path / "media").exists()
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'src="{reverse("accounts:photo")}"' in page
    photo = client.get(reverse("accounts:photo"))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content) == _image_bytes()
    assert "no-store" in photo["Cache-Control"]
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:photo")).status_code == 404
    client.logout()
    assert client.get(reverse("accounts:photo")).status_code == 302


def test_replaced_or_cleared_photos_leave_nothing_on_disk(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    user = UserFactory()
    client.force_login(user)
    folder = tmp_path / "private" / "profils" / str(user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        profile_post(client, photo=_upload("moi.png", _image_bytes(), "image/png"))
        profile_post(client, photo=_upload("moi.jpg", _image_bytes("JPEG"), "image/jpeg"))
        profile_post(client, photo=_upload("moi.png", _image_bytes(size=(40, 40)), "image/png"))
    user.refresh_from_db()
    assert [path.name for path in folder.iterdir()] == [user.photo.name.rsplit("/", 1)[1]]
    with django_capture_on_commit_callbacks(execute=True):
        profile_post(client, **{"photo-clear": "on"})
    user.refresh_from_db()
    assert not user.photo
    assert list(folder.iterdir()) == []


def test_account_deletion_erases_every_photo_of_the_folder(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    """Photos left by older code (before replacements deleted them) go with the account."""
    from rgpd.services import erase_account

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    user = UserFactory()
    user.photo.save("photo.png", io.BytesIO(_image_bytes()))
    user.photo.save("photo.png", io.BytesIO(_image_bytes()))  # a second name, left behind
    folder = tmp_path / "private" / "profils" / str(user.pk)
    assert len(list(folder.iterdir())) == 2
    with django_capture_on_commit_callbacks(execute=True):
        erase_account(user)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("photo.png", b"MZ\x90\x00 this is a windows executable", "Téléversez une image valide"),
        (
            "photo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "Téléversez une image valide",
        ),
        ("photo.gif", _image_bytes("GIF"), "JPEG, PNG ou WebP"),
    ],
)
def test_profile_rejects_disguised_or_unsupported_photos(
    client, settings, tmp_path, name, content, message
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    user = UserFactory()
    client.force_login(user)
    response = profile_post(client, photo=_upload(name, content, "image/png"))
    assert response.status_code == 200
    assert message in page_text(response)
    user.refresh_from_db()
    assert not user.photo
    assert user.fonction == "Conseiller"  # nothing changed
    assert not any(tmp_path.rglob("*"))


def test_profile_rejects_oversize_photo(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.PROFILE_PHOTO_MAX_BYTES = 1000
    user = UserFactory()
    client.force_login(user)
    response = profile_post(
        client, photo=_upload("grande.png", _image_bytes(size=(400, 400)), "image/png")
    )
    assert "taille maximale" in page_text(response)
    user.refresh_from_db()
    assert not user.photo


def test_roles(cite, member, non_member, professional, anct_user):
    assert is_cite_member(member, cite) and not is_cite_member(non_member, cite)
    assert not is_cite_member(professional)
    assert is_anct(anct_user) and not is_anct(member)
    assert role_label(anct_user) == "Équipe nationale ANCT"
    assert anct_user.has_perm("wagtailadmin.access_admin")
    assert not member.has_perm("wagtailadmin.access_admin")


def test_login_rate_limit_says_how_long_and_offers_a_new_password(client, settings):
    from cde_site.settings import base

    # The configured windows (base settings), with fewer attempts so that allauth's limit fires
    # before axes' lock: both must name the same duration, LOGIN_COOLOFF_MINUTES.
    settings.ACCOUNT_RATE_LIMITS = {
        "login_failed": base.ACCOUNT_RATE_LIMITS["login_failed"].replace(
            f"{base.LOGIN_FAILURE_LIMIT * 4}/", "2/"
        )
    }
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "10/m/ip,2/15m/key"
    user = UserFactory()  # a new address: allauth counts per address (in Redis)
    for _ in range(2):
        client.post(reverse("account_login"), {"login": user.email, "password": "faux"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    html = page_text(response)
    assert "Trop de tentatives de connexion. Réessayez dans 15 minutes au plus" in html
    assert base.LOGIN_COOLOFF_MINUTES == 15 and settings.AXES_COOLOFF_TIME == 15 / 60
    reset = reverse("account_reset_password")
    assert f'<a href="{reset}">choisissez un nouveau mot de passe</a>' in html
    assert "_auth_user_id" not in client.session
