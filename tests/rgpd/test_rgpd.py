"""RGPD: "Mes données" (export, account deletion) and the retention rules."""

import datetime
import io
import json
import zipfile

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import Action, AuditEntry
from cafes_cites import services as cafes_services
from cafes_cites.models import ChatMessage, ChatMute, Registration, RegistrationStatus
from espace.models import InboundEmail
from groups import services as group_services
from groups.models import Membership, Post, Role
from notifications.models import Notification
from rgpd import services
from rgpd.models import ErasedAccount, InactivityWarning
from rgpd.tasks import apply_retention_task
from tests.factories import PASSWORD, CiteFactory, UserFactory
from tests.factories.cafes_cites import make_session
from tests.utils import page_text

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n photo de profil"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def world():
    """Alice, animateur of her cité's group with Bob; posts, a document, a café-cité, a chat
    message, a notification, a photo."""
    cite = CiteFactory()
    group = cite.group
    alice = UserFactory(cite=cite, coordinator=True, first_name="Alice", last_name="Martin")
    bob = UserFactory(cite=cite, partner=True, first_name="Bob", last_name="Durand")
    group_services.add_member(group, alice, role=Role.ANIMATEUR)
    group_services.add_member(group, bob)
    thread = group_services.create_thread(
        group, alice, title="Comité de pilotage", body="Texte du comité de pilotage"
    )
    group_services.reply(thread, bob, body="Réponse de Bob")
    document = group_services.upload_document(
        group, alice, uploaded=SimpleUploadedFile("bilan.pdf", PDF), title="Bilan"
    )
    alice.photo.save("photo.png", io.BytesIO(PNG))
    now = timezone.now()
    session = make_session(now - datetime.timedelta(minutes=10))
    cafes_services.register(alice, session)
    cafes_services.post_message(alice, session.pk, "Bonjour à toutes et à tous", "0" * 32)
    return {
        "group": group,
        "thread": thread,
        "document": document,
        "alice": alice,
        "bob": bob,
        "session": session,
    }


# --- URLs by role -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["rgpd:my_data", "rgpd:delete_account"])
def test_pages_by_role(role_client, name):
    response = role_client.get(reverse(name))
    if role_client.role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 200


def test_export_by_role(role_client):
    url = reverse("rgpd:export")
    response = role_client.post(url)
    if role_client.role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        return
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "private" in response["Cache-Control"]
    assert role_client.get(url).status_code == 405  # a button, not a link


def test_profile_links_to_my_data(client, member):
    client.force_login(member)
    assert reverse("rgpd:my_data") in page_text(client.get(reverse("accounts:profile")))


# --- Export -------------------------------------------------------------------------------------


def read_zip(response):
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_export_holds_everything_about_the_user_and_nothing_else(client, world):
    alice = world["alice"]
    client.force_login(alice)
    archive = read_zip(client.post(reverse("rgpd:export")))
    names = set(archive.namelist())
    assert {"LISEZMOI.txt", "profil.json", "groupes.json", "cafes_cites.json"} <= names
    assert {"notifications.json", "ressources.json", "journal.json"} <= names

    profile = json.loads(archive.read("profil.json"))
    assert profile["compte"]["adresse_electronique"] == alice.email
    assert profile["compte"]["cite"] == alice.cite.name
    assert archive.read(profile["compte"]["photo"]) == PNG

    groups = json.loads(archive.read("groupes.json"))
    assert [m["role"] for m in groups["adhesions"]] == ["Animateur ou animatrice"]
    bodies = [p["texte_html"] for p in groups["messages"]]
    assert any("Texte du comité de pilotage" in body for body in bodies)
    assert not any("Bob" in body for body in bodies)  # someone else's reply is not hers
    (document,) = groups["documents_deposes"]
    assert document["nom_du_fichier"] == "bilan.pdf"
    assert archive.read(document["fichier"]) == PDF

    cafes = json.loads(archive.read("cafes_cites.json"))
    assert cafes["inscriptions"][0]["etat"] == "Inscrit"
    assert cafes["messages_chat"][0]["texte"] == "Bonjour à toutes et à tous"

    notifications = json.loads(archive.read("notifications.json"))
    assert any("Réponse" in n["titre"] or "répondu" in n["titre"] for n in notifications)


def test_export_is_built_on_disk_and_survives_a_missing_file(world, settings):
    from rgpd.export import build_export

    alice = world["alice"]
    version = world["document"].versions.get()
    version.file.storage.delete(version.file.name)
    with build_export(alice) as tmp:
        assert hasattr(tmp, "fileno")  # a real temporary file, not an in-memory buffer
        archive = zipfile.ZipFile(tmp)
        missing = json.loads(archive.read("fichiers_manquants.json"))
        assert len(missing) == 1 and missing[0].endswith("bilan.pdf")


# --- Account deletion ---------------------------------------------------------------------------


def test_wrong_password_changes_nothing(client, world):
    alice = world["alice"]
    client.force_login(alice)
    response = client.post(
        reverse("rgpd:delete_account"), {"password": "pas le bon", "understood": "on"}
    )
    assert response.status_code == 200
    assert "Mot de passe incorrect" in page_text(response)
    alice.refresh_from_db()
    assert alice.is_active and alice.first_name == "Alice"


def test_empty_password_asks_for_it(client, world):
    alice = world["alice"]
    client.force_login(alice)
    response = client.post(reverse("rgpd:delete_account"), {"password": "", "understood": "on"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Saisissez votre mot de passe pour confirmer." in text
    assert "Mot de passe incorrect" not in text
    alice.refresh_from_db()
    assert alice.is_active


def test_confirmation_box_is_required(client, world):
    client.force_login(world["alice"])
    response = client.post(reverse("rgpd:delete_account"), {"password": PASSWORD})
    assert response.status_code == 200
    text = page_text(response)
    # The summary names the field, not the checkbox's whole sentence (« …définitive. : Cochez »).
    assert (
        "Confirmation de la suppression : Cochez la case « J'ai compris que la suppression est "
        "définitive »." in text
    )
    assert "définitive. :" not in text
    assert not ErasedAccount.objects.exists()


def test_deleting_an_account_erases_personal_data_and_keeps_contributions(
    client, world, media, django_capture_on_commit_callbacks
):
    alice, bob, group = world["alice"], world["bob"], world["group"]
    photo_path = media / "private" / alice.photo.name  # private storage
    assert photo_path.exists()
    other_device = client.__class__()
    other_device.force_login(alice)
    client.force_login(alice)
    old_email = alice.email

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("rgpd:delete_account"), {"password": PASSWORD, "understood": "on"}
        )
    assert response.status_code == 302 and response["Location"] == "/"

    alice.refresh_from_db()
    assert alice.display_name == "Compte supprimé"
    assert alice.email.endswith("@supprime.invalid")
    assert not alice.is_active and not alice.has_usable_password()
    assert (alice.organisation, alice.fonction, alice.phone, alice.cite_id) == ("", "", "", None)
    assert not alice.photo and not photo_path.exists()
    assert not Membership.objects.filter(user=alice).exists()
    assert not Registration.objects.filter(user=alice).exists()
    assert not Notification.objects.filter(recipient=alice).exists()
    assert not User.objects.filter(email=old_email).exists()

    # What she wrote stays, under "Compte supprimé".
    opening = Post.objects.get(thread=world["thread"], is_opening=True)
    assert opening.author == alice and "Texte du comité de pilotage" in opening.body_html
    assert ChatMessage.objects.get(author=alice).body == "Bonjour à toutes et à tous"
    client.force_login(bob)
    thread_page = page_text(client.get(world["thread"].get_absolute_url()))
    assert "Compte supprimé" in thread_page and "Alice" not in thread_page

    # Logged out everywhere, and the old password no longer works.
    assert other_device.get(reverse("accounts:profile")).status_code == 302
    assert not User.objects.get(pk=alice.pk).check_password(PASSWORD)

    entry = AuditEntry.objects.get(action=Action.ACCOUNT_DELETE)
    assert entry.actor == alice and "Alice" not in entry.actor_label + entry.target_label
    assert ErasedAccount.objects.get(user=alice).reason == ErasedAccount.Reason.SELF

    # The group kept an animateur: Bob took over and was told.
    assert Membership.objects.get(group=group, user=bob).role == Role.ANIMATEUR
    assert Notification.objects.filter(recipient=bob, kind="animateur").exists()
    assert AuditEntry.objects.filter(action=Action.ANIMATEUR_SUCCESSION).exists()


def test_last_member_of_a_group_leaves_it_recorded_for_anct():
    cite = CiteFactory()
    alone = UserFactory(cite=cite, coordinator=True)
    group_services.add_member(cite.group, alone, role=Role.ANIMATEUR)
    services.erase_account(alone)
    assert not cite.group.memberships.exists()
    entry = AuditEntry.objects.get(action=Action.GROUP_ORPHANED)
    assert entry.target_id == str(cite.group.pk)


def test_erasing_frees_the_seat_for_the_waiting_list():
    session = make_session(timezone.now() + datetime.timedelta(days=3), capacity=1)
    first, second = UserFactory(), UserFactory()
    cafes_services.register(first, session)
    assert cafes_services.register(second, session).status == RegistrationStatus.WAITING
    services.erase_account(first)
    assert Registration.objects.get(user=second).status == RegistrationStatus.CONFIRMED


def test_erasing_twice_is_harmless(world):
    services.erase_account(world["alice"])
    services.erase_account(world["alice"])
    assert ErasedAccount.objects.count() == 1
    assert AuditEntry.objects.filter(action=Action.ACCOUNT_DELETE).count() == 1


def test_superusers_cannot_delete_themselves_here(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(
        reverse("rgpd:delete_account"), {"password": PASSWORD, "understood": "on"}
    )
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.is_active and not ErasedAccount.objects.exists()


def test_account_without_password_confirms_with_a_word(client):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    url = reverse("rgpd:delete_account")
    assert client.post(url, {"confirmation": "non", "understood": "on"}).status_code == 200
    response = client.post(url, {"confirmation": "supprimer", "understood": "on"})
    assert response.status_code == 302
    assert ErasedAccount.objects.filter(user=user).exists()


# --- Retention ----------------------------------------------------------------------------------


@pytest.fixture
def retention(settings):
    settings.RGPD_INACTIVE_ACCOUNT_DAYS = 365
    settings.RGPD_INACTIVE_WARNING_DAYS = 30
    settings.RGPD_CHAT_RETENTION_DAYS = 90
    settings.RGPD_AUDIT_RETENTION_DAYS = 365
    settings.RGPD_BATCH_SIZE = 2
    settings.INBOUND_EMAIL_RETENTION_DAYS = 120
    return settings


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_inactive_accounts_are_warned_once_then_anonymised(retention):
    sleepy = [UserFactory(last_login=days_ago(340)) for _ in range(3)]
    recent = UserFactory(last_login=days_ago(10))
    never_logged = UserFactory()
    User.objects.filter(pk=never_logged.pk).update(date_joined=days_ago(400))
    admin = UserFactory(is_superuser=True, last_login=days_ago(1000))

    result = services.apply_retention()
    assert result["warned"] == 4 and result["anonymised"] == 0
    assert {m.to[0] for m in mail.outbox} == {u.email for u in [*sleepy, never_logged]}
    assert "anonymisé" in mail.outbox[0].subject

    # Resumed or re-run: nobody is warned twice.
    assert services.apply_retention()["warned"] == 0
    assert len(mail.outbox) == 4

    # One of them logs in after the warning: the warning is void, the account stays.
    User.objects.filter(pk=sleepy[0].pk).update(last_login=timezone.now())

    later = timezone.now() + datetime.timedelta(days=31)
    result = services.apply_retention(now=later)
    assert result["anonymised"] == 3
    erased = set(ErasedAccount.objects.values_list("user_id", flat=True))
    assert erased == {sleepy[1].pk, sleepy[2].pk, never_logged.pk}
    assert not InactivityWarning.objects.filter(user=sleepy[0]).exists()
    for user in (recent, admin, sleepy[0]):
        user.refresh_from_db()
        assert user.is_active
    entry = AuditEntry.objects.filter(action=Action.ACCOUNT_ANONYMISE).first()
    assert entry.actor is None and entry.actor_label == "Système"


def test_no_anonymisation_before_the_warning_period_is_over(retention):
    # Inactive far longer than the limit, but warned only now: 30 more days of grace.
    user = UserFactory(last_login=days_ago(1000))
    services.apply_retention()
    assert services.apply_retention(now=timezone.now() + datetime.timedelta(days=29)) == {
        "warned": 0,
        "anonymised": 0,
        "chat_messages": 0,
        "audit_entries": 0,
        "inbound_emails": 0,
        "login_traces": 0,
    }
    later = timezone.now() + datetime.timedelta(days=30)
    assert services.apply_retention(now=later)["anonymised"] == 1
    assert ErasedAccount.objects.filter(user=user).exists()


def test_zero_disables_the_rules(retention):
    retention.RGPD_INACTIVE_ACCOUNT_DAYS = 0
    retention.RGPD_CHAT_RETENTION_DAYS = 0
    retention.RGPD_AUDIT_RETENTION_DAYS = 0
    retention.INBOUND_EMAIL_RETENTION_DAYS = 0
    InboundEmail.objects.create(message_id="<vieux@exemple.fr>", sender="a@exemple.fr")
    InboundEmail.objects.filter().update(received_at=days_ago(5000))
    UserFactory(last_login=days_ago(5000))
    assert services.apply_retention() == {
        "warned": 0,
        "anonymised": 0,
        "chat_messages": 0,
        "audit_entries": 0,
        "inbound_emails": 0,
        "login_traces": 0,
    }


def test_chat_archives_are_deleted_after_the_retention(retention):
    user, moderator = UserFactory(), UserFactory(is_superuser=True)
    old = make_session(days_ago(100))
    recent = make_session(days_ago(10))
    for session in (old, recent):
        for n in range(3):
            ChatMessage.objects.create(
                session=session, room_id=n + 1, author=user, body="x", body_html="<p>x</p>"
            )
        ChatMute.objects.create(session=session, user=user, muted_by=moderator)
    assert services.apply_retention(dry_run=True)["chat_messages"] == 3
    assert ChatMessage.objects.count() == 6
    assert services.apply_retention()["chat_messages"] == 3
    assert set(ChatMessage.objects.values_list("session_id", flat=True)) == {recent.pk}
    assert list(ChatMute.objects.values_list("session_id", flat=True)) == [recent.pk]
    assert AuditEntry.objects.filter(action=Action.RETENTION_CHAT).exists()


def test_old_audit_entries_are_deleted(retention):
    old = AuditEntry.objects.create(action=Action.CHAT_MUTE, created_at=days_ago(400))
    kept = AuditEntry.objects.create(action=Action.CHAT_MUTE, created_at=days_ago(10))
    assert services.apply_retention()["audit_entries"] == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()


def test_inbound_email_records_are_deleted_after_the_retention(retention, capsys):
    for number, age in enumerate((300, 150, 121, 10)):
        InboundEmail.objects.create(message_id=f"<{number}@exemple.fr>", sender="a@exemple.fr")
        InboundEmail.objects.filter(message_id=f"<{number}@exemple.fr>").update(
            received_at=days_ago(age)
        )
    assert services.apply_retention(dry_run=True)["inbound_emails"] == 3
    assert InboundEmail.objects.count() == 4
    call_command("apply_retention")
    out = capsys.readouterr().out
    assert "courriels reçus : 3/3" in out and "3 traces de courriel reçu" in out
    assert list(InboundEmail.objects.values_list("message_id", flat=True)) == ["<3@exemple.fr>"]


def test_inbound_email_records_are_exported_and_erased_with_the_account(db):
    user, other = UserFactory(), UserFactory()
    InboundEmail.objects.create(
        message_id="<m1@exemple.fr>", sender=user.email.upper(), subject="Re: Mobilité", size=900
    )
    InboundEmail.objects.create(message_id="<m2@exemple.fr>", sender=other.email)
    from rgpd.export import build_export

    archive = zipfile.ZipFile(build_export(user))
    records = json.loads(archive.read("courriels_recus.json"))
    assert [record["objet"] for record in records] == ["Re: Mobilité"]
    services.erase_account(user)
    assert list(InboundEmail.objects.values_list("sender", flat=True)) == [other.email]


def test_command_prints_progress_and_task_runs(retention, capsys):
    for _ in range(3):
        UserFactory(last_login=days_ago(340))
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "simulation" in out and "3 avertissements" in out
    assert not mail.outbox
    call_command("apply_retention")
    out = capsys.readouterr().out
    assert "avertissements : 3/3" in out
    assert len(mail.outbox) == 3
    result = apply_retention_task.enqueue()
    assert result.return_value["warned"] == 0


# --- Privacy page -------------------------------------------------------------------------------


def test_privacy_page_states_the_retention_in_force(client, retention):
    call_command("setup_site")
    text = page_text(client.get("/donnees-personnelles/"))
    assert "pendant 1 an est anonymisé" in text  # 365 days, as a reader says it
    assert "au moins 30 jours avant" in text
    assert "effacés 90 jours après la fin de la séance" in text
    assert "trace de ce courriel (expéditeur, objet, date, suite donnée) pendant 120 jours" in text
    assert "Mes données" in text

    retention.RGPD_CHAT_RETENTION_DAYS = 30
    retention.RGPD_INACTIVE_ACCOUNT_DAYS = 0
    call_command("setup_site")
    call_command("setup_site")  # idempotent: no new revision when nothing changed
    text = page_text(client.get("/donnees-personnelles/"))
    assert "effacés 30 jours après" in text and "90 jours" not in text
    assert "ne sont pas anonymisés automatiquement" in text
    assert text.count("Durées de conservation") == 1


def test_retention_periods_in_whole_years_read_as_years(client, retention):
    """Settings stay in days; « 1095 jours » reads « 3 ans » on the pages and in the warning."""
    retention.RGPD_INACTIVE_ACCOUNT_DAYS = 1095
    retention.RGPD_AUDIT_RETENTION_DAYS = 730
    client.force_login(UserFactory())
    text = page_text(client.get(reverse("rgpd:my_data")))
    assert "pendant 3 ans est anonymisé" in text
    assert "conservé 2 ans." in text
    assert "effacés 90 jours après" in text and "1095" not in text
    services.send_inactivity_warning(UserFactory(), datetime.date(2030, 1, 1))
    message = mail.outbox[-1]
    assert "Les comptes sans connexion pendant 3 ans sont anonymisés" in message.body
    assert "pendant 3 ans sont anonymisés" in message.alternatives[0][0]


# --- Sessions and the Wagtail admin -------------------------------------------------------------


@pytest.mark.parametrize(
    "engine",
    [
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
        "commons.sessions",  # production's (deploy/serve.sh)
    ],
)
def test_erasing_deletes_stored_sessions(client, settings, engine):
    from django.contrib.sessions.models import Session as StoredSession

    settings.SESSION_ENGINE = engine
    user, other = UserFactory(), UserFactory()
    # Through the login form (a real client address): force_login has none to record.
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    other_client = client.__class__()
    other_client.post(reverse("account_login"), {"login": other.email, "password": PASSWORD})
    assert StoredSession.objects.count() == 2
    services.erase_account(user)
    assert StoredSession.objects.count() == 1  # the other person stays logged in
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert other_client.get(reverse("accounts:profile")).status_code == 200


def assert_erased_by_admin(user, admin, media):
    """What an admin deletion leaves: the row, anonymised, with what the person wrote."""
    user.refresh_from_db()
    assert user.display_name == "Compte supprimé" and user.email.endswith("@supprime.invalid")
    assert (user.phone, user.organisation, user.cite_id, user.photo.name) == ("", "", None, "")
    assert not user.is_active and not user.has_usable_password()
    assert ErasedAccount.objects.get(user=user).reason == ErasedAccount.Reason.ADMIN
    entry = AuditEntry.objects.get(action=Action.ACCOUNT_ADMIN_ERASE, target_id=str(user.pk))
    assert entry.actor == admin
    assert not any(media.rglob("photo*"))


def test_deleting_a_user_in_the_wagtail_admin_erases_it(
    client, world, media, django_capture_on_commit_callbacks
):
    admin = UserFactory(is_superuser=True, is_staff=True)
    alice = world["alice"]
    alice_browser = client.__class__()
    alice_browser.force_login(alice)
    client.force_login(admin)
    url = reverse("wagtailusers_users:delete", args=[alice.pk])
    page = page_text(client.get(url))
    # The confirmation page says what will happen.
    assert "Supprimer le compte d'Alice Martin" in page
    assert "reste en place, sous le nom « Compte supprimé »" in page
    assert "journal d'audit" in page and "Oui, supprimer le compte" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("wagtailusers_users:index")
    assert f"Compte n° {alice.pk} supprimé : ses données personnelles sont effacées" in page_text(
        response
    )
    assert_erased_by_admin(alice, admin, media)
    # The row stays: her chat message and posts too; her sessions are over.
    assert ChatMessage.objects.filter(author=alice).exists()
    assert Post.objects.filter(author=alice, thread=world["thread"]).exists()
    assert alice_browser.get(reverse("accounts:profile")).status_code == 302


def test_bulk_deleting_users_in_the_wagtail_admin_erases_them(
    client, world, media, django_capture_on_commit_callbacks
):
    admin = UserFactory(is_superuser=True, is_staff=True)
    alice, carol = world["alice"], UserFactory(first_name="Carol")
    client.force_login(admin)
    index = reverse("wagtailusers_users:index")
    url = (
        reverse("wagtail_bulk_action", args=["accounts", "user", "delete"])
        + f"?id={alice.pk}&id={carol.pk}&next={index}"
    )
    page = page_text(client.get(url))
    assert "Supprimer ces comptes ?" in page and "sous le nom « Compte supprimé »" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == index
    assert "2 comptes supprimés : données personnelles effacées" in page_text(response)
    assert User.objects.filter(pk__in=[alice.pk, carol.pk]).count() == 2  # rows kept
    assert_erased_by_admin(alice, admin, media)
    assert_erased_by_admin(carol, admin, media)
    assert ChatMessage.objects.filter(author=alice).exists()


def test_a_visit_counts_as_activity_once_a_day(client, retention):
    """A session can stay open for months: visiting the site while logged in is activity."""
    user = UserFactory(last_login=days_ago(340))
    services.apply_retention()
    assert InactivityWarning.objects.filter(user=user).exists()
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(last_login=days_ago(340))  # as if logged in long ago
    client.get(reverse("rgpd:my_data"))
    user.refresh_from_db()
    assert user.last_login > days_ago(1)
    User.objects.filter(pk=user.pk).update(last_login=days_ago(340))
    client.get(reverse("rgpd:my_data"))  # same day: no second write
    user.refresh_from_db()
    assert user.last_login < days_ago(300)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    later = timezone.now() + datetime.timedelta(days=31)
    assert services.apply_retention(now=later)["anonymised"] == 0
    assert not InactivityWarning.objects.filter(user=user).exists()


def test_repeated_wrong_passwords_end_the_session(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("rgpd:delete_account")
    for _ in range(4):
        assert client.post(url, {"password": "non", "understood": "on"}).status_code == 200
    response = client.post(url, {"password": "non", "understood": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("rgpd:my_data")).status_code == 302  # logged out
    user.refresh_from_db()
    assert user.is_active


def test_export_holds_sessions_and_login_failures_in_french_and_readme_names_every_file(client):
    """Walk 16g #5: the sessions « Mes sessions » lists and the failed logins kept are in the
    archive, stored values are in French, and LISEZMOI.txt describes each file."""
    user = UserFactory(email="zoe@exemple.fr")
    browser = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    failed = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "faux"},
        HTTP_USER_AGENT=browser,
    )
    assert failed.status_code == 200
    AccessAttempt.objects.create(
        username=user.email, ip_address="10.9.8.7", user_agent=browser, failures_since_start=2
    )
    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        HTTP_USER_AGENT=browser,
    )
    assert response.status_code == 302
    archive = read_zip(client.post(reverse("rgpd:export")))

    traces = json.loads(archive.read("sessions.json"))
    (session,) = traces["sessions_ouvertes"]
    assert session["navigateur"] == "Firefox sur Linux"
    assert session["adresse_ip"] == "127.0.0.1"
    assert session["ouverture"] and session["derniere_activite"]
    (failure,) = traces["echecs_de_connexion"]  # the one from 127.0.0.1 ended with the login
    assert failure == {
        "adresse_electronique": user.email,
        "adresse_ip": "10.9.8.7",
        "navigateur": "Firefox sur Linux",
        "nombre_d_echecs": 2,
        "dernier_essai": failure["dernier_essai"],
    }
    assert [log["adresse_ip"] for log in traces["connexions"]] == ["127.0.0.1"]

    library = json.loads(archive.read("ressources.json"))
    assert library["courriels_bibliotheque"] == "Un courriel à chaque événement"

    readme = archive.read("LISEZMOI.txt").decode()
    top_level = {name.split("/")[0] + ("/" if "/" in name else "") for name in archive.namelist()}
    for name in top_level - {"LISEZMOI.txt"}:
        assert f"- {name} : " in readme, name
    assert "données d'une application" not in readme  # no file without its own description


@pytest.mark.django_db
def test_successful_logins_are_erased_after_their_retention(settings):
    """django-axes' journal of successful logins is kept RGPD_LOGIN_LOG_RETENTION_DAYS, said on
    the privacy page (walk 16g: it was kept without limit and never mentioned)."""
    from axes.models import AccessLog

    from rgpd.retention import retention_rules

    settings.RGPD_LOGIN_LOG_RETENTION_DAYS = 183
    old = AccessLog.objects.create(username="a@exemple.fr", ip_address="10.0.0.1", user_agent="x")
    AccessLog.objects.filter(pk=old.pk).update(
        attempt_time=timezone.now() - datetime.timedelta(days=200)
    )
    recent = AccessLog.objects.create(
        username="a@exemple.fr", ip_address="10.0.0.1", user_agent="x"
    )
    assert services.purge_login_traces(dry_run=True) == 1
    assert AccessLog.objects.count() == 2
    assert services.purge_login_traces() == 1
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]
    text = " ".join(str(rule) for rule in retention_rules())
    assert "journal des connexions réussies" in text and "effacé au bout de" in text
    settings.RGPD_LOGIN_LOG_RETENTION_DAYS = 0
    assert "journal des connexions réussies" in " ".join(str(r) for r in retention_rules())
    assert services.purge_login_traces() == 0
