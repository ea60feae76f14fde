import io
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from groups import services
from groups.models import (
    Access,
    Document,
    DocumentVersion,
    Invitation,
    JoinRequest,
    Kind,
    Post,
    Role,
)
from notifications.models import EmailMode, Notification
from tests.factories import CiteFactory, UserFactory, make_anct_user
from tests.utils import comparable, page_text
from themes.models import Theme

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def setting_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def world(setting_media):
    """A cité group with an animateur, a member, a thread and a document; plus outsiders."""
    cite = CiteFactory()
    group = cite.group
    animateur = UserFactory(cite=cite, coordinator=True, first_name="Anne", last_name="Animatrice")
    member = UserFactory(cite=cite, partner=True, first_name="Marc", last_name="Membre")
    services.add_member(group, animateur, role=Role.ANIMATEUR)
    services.add_member(group, member)
    thread = services.create_thread(
        group, animateur, title="Sujet confidentiel du comité", body="<p>Ordre du jour secret</p>"
    )
    document = services.upload_document(
        group, animateur, uploaded=SimpleUploadedFile("bilan.pdf", PDF), title="Bilan réservé"
    )
    return {
        "group": group,
        "thread": thread,
        "post": thread.posts.get(),
        "document": document,
        "animateur": animateur,
        "member": member,
        "outsider": UserFactory(),
        "anct": make_anct_user(),
    }


def urls_of(w):
    group, thread, document, post = w["group"], w["thread"], w["document"], w["post"]
    s = group.slug
    return [
        reverse("groups:detail", args=[s]),
        reverse("groups:members", args=[s]),
        reverse("groups:documents", args=[s]),
        reverse("groups:document", args=[s, document.pk]),
        reverse("groups:download", args=[s, document.pk, 1]),
        reverse("groups:thread", args=[s, thread.pk]),
        reverse("groups:new_thread", args=[s]),
        reverse("groups:activity_json", args=[s]),
        reverse("groups:report_post", args=[s, post.pk]),
    ]


@pytest.mark.parametrize(
    "role, expected",
    [("anonymous", 302), ("outsider", 404), ("anct", 404), ("member", 200), ("animateur", 200)],
)
def test_every_reserved_group_url_by_role(client, world, role, expected):
    if role != "anonymous":
        client.force_login(world[role])
    own_report = reverse("groups:report_post", args=[world["group"].slug, world["post"].pk])
    for url in urls_of(world):
        response = client.get(url)
        # The animatrice wrote the post: one's own message is not reported (walk 12e).
        wanted = 404 if role == "animateur" and url == own_report else expected
        assert response.status_code == wanted, (role, url)
        if expected == 302:
            assert reverse("account_login") in response["Location"]


def test_private_and_nonexistent_look_the_same(client, world):
    client.force_login(world["outsider"])
    group = world["group"]
    pairs = [
        (reverse("groups:detail", args=[group.slug]), reverse("groups:detail", args=["inconnu"])),
        (
            reverse("groups:thread", args=[group.slug, world["thread"].pk]),
            reverse("groups:thread", args=[group.slug, 999999]),
        ),
        (
            reverse("groups:download", args=[group.slug, world["document"].pk, 1]),
            reverse("groups:download", args=["inconnu", 1, 1]),
        ),
    ]
    for private, missing in pairs:
        a, b = client.get(private), client.get(missing)
        assert a.status_code == b.status_code == 404
        assert comparable(a, private) == comparable(b, missing)


def test_nothing_of_a_reserved_group_leaks_to_non_members(client, world):
    client.force_login(world["outsider"])
    Theme.objects.get(slug="mobilite").groups.add(world["group"])
    pages = [
        reverse("groups:index"),
        "/champs-action/mobilite/",
        reverse("notifications:list"),
        "/cites/",
    ]
    for url in pages:
        text = page_text(client.get(url))
        for secret in [world["group"].name, "Sujet confidentiel", "Bilan réservé"]:
            assert secret not in text, (url, secret)


def test_post_endpoints_respect_roles(client, world):
    group = world["group"]
    invite_url = reverse("groups:invite", args=[group.slug])
    client.force_login(world["outsider"])
    assert client.post(invite_url, {"email": "x@example.org"}).status_code == 404
    assert client.post(reverse("groups:join", args=[group.slug])).status_code == 404
    client.force_login(world["member"])
    assert client.post(invite_url, {"email": "x@example.org"}).status_code == 404
    remove = reverse("groups:remove_member", args=[group.slug, world["animateur"].pk])
    assert client.post(remove).status_code == 404
    client.force_login(world["animateur"])
    assert client.post(invite_url, {"email": "x@example.org"}).status_code == 302
    assert Invitation.objects.filter(email="x@example.org").exists()


def test_member_removal_takes_effect_at_once(client, world):
    client.force_login(world["member"])
    url = reverse("groups:download", args=[world["group"].slug, world["document"].pk, 1])
    assert client.get(url).status_code == 200
    services.remove_member(world["group"], world["member"], actor=world["animateur"])
    assert client.get(url).status_code == 404
    assert client.get(world["thread"].get_absolute_url()).status_code == 404


def test_last_animateur_cannot_leave(world):
    with pytest.raises(Exception, match="au moins un animateur"):
        services.leave_group(world["group"], world["animateur"])


# --- Invitations --------------------------------------------------------------------------


def test_invitation_email_and_signup_flow_for_a_newcomer(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["animateur"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("groups:invite", args=[world["group"].slug]), {"email": "Nouvelle@Example.org"}
        )
    invitation = Invitation.objects.get(email="nouvelle@example.org")
    assert len(mail.outbox) == 1
    assert invitation.get_absolute_url() in mail.outbox[0].body
    assert "Équipe projet" in mail.outbox[0].subject
    client.logout()
    page = client.get(invitation.get_absolute_url())
    assert "Créer mon compte" in page_text(page)
    # The sign-up form comes with the invited address filled in.
    signup_link = page.content.decode().split('href="/comptes/signup/?', 1)[1].split('"', 1)[0]
    signup = client.get(reverse("account_signup") + "?" + signup_link.replace("&amp;", "&"))
    assert 'value="nouvelle@example.org"' in signup.content.decode()
    response = client.post(
        reverse("account_signup") + f"?next={invitation.get_absolute_url()}",
        {
            "email": "nouvelle@example.org",
            "first_name": "Nora",
            "last_name": "Nouvelle",
            "password1": "un-mot-de-passe-solide-2026",
            "password2": "un-mot-de-passe-solide-2026",
            "next": invitation.get_absolute_url(),
        },
    )
    assert response["Location"] == invitation.get_absolute_url()
    from allauth.account.models import EmailAddress

    # The link came to that address: allauth records it verified, no confirmation e-mail.
    assert EmailAddress.objects.get(email="nouvelle@example.org").verified
    response = client.post(invitation.get_absolute_url())
    assert response["Location"] == world["group"].get_absolute_url()
    assert world["group"].memberships.filter(user__email="nouvelle@example.org").exists()


@pytest.mark.parametrize("state", ["expired", "revoked", "used", "unknown"])
def test_unusable_invitations_get_a_french_message_and_change_nothing(client, world, state):
    invitation = services.invite(world["group"], "tard@example.org", actor=world["animateur"])
    late = UserFactory(email="tard@example.org")
    if state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    elif state == "revoked":
        services.revoke_invitation(invitation, actor=world["animateur"])
    elif state == "used":
        Invitation.objects.filter(pk=invitation.pk).update(
            accepted_at=timezone.now(), accepted_by=world["outsider"]
        )
    token = "nexistepas" if state == "unknown" else invitation.token
    client.force_login(late)
    response = client.post(reverse("groups:invitation", args=[token]))
    assert response.status_code == 410
    text = page_text(response)
    assert {
        "expired": "a expiré",
        "revoked": "annulée",
        "used": "déjà été utilisée",
        "unknown": "pas valide",
    }[state] in text
    assert not world["group"].memberships.filter(user=late).exists()


def test_national_group_is_reserved_to_coordinators_and_anct(world):
    national = services.ensure_national_group()
    assert national.kind == Kind.NATIONAL
    services.add_member(national, world["animateur"])  # coordinator
    services.add_member(national, world["anct"])
    with pytest.raises(Exception, match="réservé aux coordonnateurs"):
        services.add_member(national, world["member"])  # partner


# --- Working groups -----------------------------------------------------------------------


def test_open_group_join_and_on_request_approval(client, world):
    theme = Theme.objects.get(slug="mobilite")
    open_group = services.create_group(
        name="Garde d'enfant", access=Access.OPEN, animateurs=[world["anct"]]
    )
    request_group = services.create_group(
        name="Mobilité", access=Access.ON_REQUEST, themes=[theme], animateurs=[world["anct"]]
    )
    client.force_login(world["outsider"])
    index = page_text(client.get(reverse("groups:index")))
    assert "Garde d'enfant" in index and "Mobilité" in index
    client.post(reverse("groups:join", args=[open_group.slug]))
    assert open_group.memberships.filter(user=world["outsider"]).exists()
    client.post(
        reverse("groups:request_join", args=[request_group.slug]), {"message": "Je suis intéressé"}
    )
    join_request = JoinRequest.objects.get(group=request_group)
    assert Notification.objects.filter(recipient=world["anct"], kind="join_request").exists()
    assert client.get(reverse("groups:documents", args=[request_group.slug])).status_code == 404
    client.force_login(world["anct"])
    client.post(
        reverse("groups:decide_request", args=[request_group.slug, join_request.pk]),
        {"decision": "accepter"},
    )
    assert request_group.memberships.filter(user=world["outsider"]).exists()
    theme_page = page_text(client.get(theme.get_absolute_url()))
    assert "Mobilité" in theme_page


# --- Discussions --------------------------------------------------------------------------


def test_script_in_rich_text_is_sanitised(client, world):
    client.force_login(world["member"])
    client.post(
        world["thread"].get_absolute_url(),
        {
            "body": '<p onclick="x()">Bonjour <script>alert("x")</script><a href="https://anct.gouv.fr">lien</a></p>'
        },
    )
    post = Post.objects.filter(thread=world["thread"], is_opening=False).get()
    assert "<script" not in post.body_html and "onclick" not in post.body_html
    assert 'rel="nofollow noopener"' in post.body_html
    html = client.get(world["thread"].get_absolute_url()).content.decode()
    assert 'alert("x")' not in html


def test_empty_reply_gets_a_french_error_and_stores_nothing(client, world):
    client.force_login(world["member"])
    response = client.post(world["thread"].get_absolute_url(), {"body": "<script>x</script>"})
    assert "ne contient aucun texte" in page_text(response)
    assert world["thread"].posts.count() == 1


def test_mention_reply_edit_delete_hide_pin_report(client, world):
    group, thread, member, animateur = (
        world["group"],
        world["thread"],
        world["member"],
        world["animateur"],
    )
    client.force_login(member)
    client.post(thread.get_absolute_url(), {"body": "Merci @Anne Animatrice pour l'ordre du jour"})
    reply = thread.posts.get(is_opening=False)
    assert list(reply.mentions.all()) == [animateur]
    assert Notification.objects.filter(recipient=animateur, kind="mention").exists()
    client.post(reverse("groups:edit_post", args=[group.slug, reply.pk]), {"body": "Texte corrigé"})
    reply.refresh_from_db()
    assert "Texte corrigé" in reply.body_html and reply.edited_at
    assert (
        client.post(
            reverse("groups:edit_post", args=[group.slug, world["post"].pk]), {"body": "x"}
        ).status_code
        == 404
    )
    client.post(
        reverse("groups:report_post", args=[group.slug, world["post"].pk]), {"reason": "Hors sujet"}
    )
    assert Notification.objects.filter(recipient=animateur, kind="report").exists()
    assert (
        client.post(
            reverse("groups:hide_post", args=[group.slug, reply.pk]), {"hidden": "1"}
        ).status_code
        == 404
    )
    client.force_login(animateur)
    client.post(reverse("groups:hide_post", args=[group.slug, reply.pk]), {"hidden": "1"})
    client.post(reverse("groups:pin_thread", args=[group.slug, thread.pk]), {"pinned": "1"})
    thread.refresh_from_db()
    assert thread.is_pinned
    client.force_login(member)
    assert "Texte corrigé" not in page_text(client.get(thread.get_absolute_url()))
    delete_url = reverse("groups:delete_post", args=[group.slug, reply.pk])
    # Asked first: the page, then a bare POST (an old form) changes nothing.
    question = client.get(delete_url)
    assert "Supprimer votre message ?" in page_text(question)
    assert client.post(delete_url)["Location"] == delete_url
    reply.refresh_from_db()
    assert reply.deleted_at is None
    client.post(delete_url, {"confirmer": "1"})
    reply.refresh_from_db()
    assert reply.deleted_at and reply.body_html == ""


# --- Documents ----------------------------------------------------------------------------


def _docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_upload_versions_and_download(client, world):
    group = world["group"]
    client.force_login(world["member"])
    response = client.post(
        reverse("groups:documents", args=[group.slug]),
        {"file": SimpleUploadedFile("CR comité.docx", _docx()), "title": "", "folder": "Comités"},
    )
    assert response.status_code == 302
    document = Document.objects.get(title="CR comité.docx")
    client.post(
        document.get_absolute_url(),
        {"file": SimpleUploadedFile("CR comité v2.docx", _docx()), "comment": "relu"},
    )
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]
    download = client.get(reverse("groups:download", args=[group.slug, document.pk, 2]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        'attachment; filename="CR comité v2.docx"' in download["Content-Disposition"]
        or "attachment" in download["Content-Disposition"]
    )
    assert (
        "no-store" in download["Cache-Control"] and download["X-Content-Type-Options"] == "nosniff"
    )
    assert b"".join(download.streaming_content) == _docx()
    # Stored under a random name outside MEDIA_ROOT, never the user's name.
    version = document.versions.get(number=2)
    assert "comité" not in version.file.name and not version.file.name.endswith(".docx")


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("rapport.pdf", b"MZ\x90\x00" + b"\x00" * 200, "n'est pas accepté"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "n'est pas accepté",
        ),
        ("../../../../etc/cron.d/x.pdf", b"#!/bin/sh\nrm -rf /\n", "n'est pas accepté"),
        ("bilan.docx", PDF, "ne correspond pas"),
    ],
)
def test_bad_uploads_get_a_french_message_and_store_nothing(
    client, world, setting_media, name, content, message
):
    group = world["group"]
    files_before = sorted(p.name for p in setting_media.rglob("*") if p.is_file())
    counts = (Document.objects.count(), DocumentVersion.objects.count())
    client.force_login(world["member"])
    response = client.post(
        reverse("groups:documents", args=[group.slug]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert message in page_text(response)
    assert (Document.objects.count(), DocumentVersion.objects.count()) == counts
    assert sorted(p.name for p in setting_media.rglob("*") if p.is_file()) == files_before


def test_oversize_upload_is_refused(client, world, settings):
    settings.GROUP_DOCUMENT_MAX_BYTES = 1000
    client.force_login(world["member"])
    response = client.post(
        reverse("groups:documents", args=[world["group"].slug]),
        {"file": SimpleUploadedFile("gros.pdf", PDF + b"0" * 2000)},
    )
    assert "taille maximale" in page_text(response)
    assert Document.objects.count() == 1


# --- Notifications ------------------------------------------------------------------------


def test_notifications_unread_count_and_email_modes(
    client, world, django_capture_on_commit_callbacks
):
    group, animateur, member = world["group"], world["animateur"], world["member"]
    services.set_email_mode(group, member, EmailMode.EACH)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.create_thread(group, animateur, title="Nouvelle actu", body="Texte")
        assert mail.outbox == []  # e-mails leave after commit, never before
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [[member.email]]
    message = mail.outbox[0]
    assert "Nouvelle actu" in message.subject
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    assert "/notifications/desabonnement/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    client.force_login(member)
    home = page_text(client.get("/cites/"))
    assert "Notifications" in home and "non lue" in home


def test_digest_groups_notifications_once_and_resumes(world):
    from notifications.digest import send_digests

    group, animateur, member = world["group"], world["animateur"], world["member"]
    services.set_email_mode(group, member, EmailMode.DIGEST)
    services.set_email_mode(group, animateur, EmailMode.DIGEST)
    mail.outbox.clear()
    services.create_thread(group, animateur, title="Actu 1", body="a")
    services.create_thread(group, animateur, title="Actu 2", body="b")
    services.reply(Post.objects.get(thread__title="Actu 1").thread, member, body="réponse")
    assert mail.outbox == []
    assert send_digests() == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert (
        "Actu 1" in by_recipient[member.email].body and "Actu 2" in by_recipient[member.email].body
    )
    assert send_digests() == 0  # nothing sent twice
    assert len(mail.outbox) == 2


def test_one_click_unsubscribe(client, world):
    from notifications.services import unsubscribe_url

    group, member = world["group"], world["member"]
    services.set_email_mode(group, member, EmailMode.EACH)
    url = unsubscribe_url(member.pk, f"group:{group.pk}")
    assert "Me désabonner" in page_text(client.get(url))
    response = client.post(url)  # one-click: no login, no CSRF token
    assert response.status_code == 200
    assert group.memberships.get(user=member).email_mode == EmailMode.NONE
    done = " ".join(page_text(response).split())
    assert f"pour « {group.name} ». Les notifications" in done  # no space before the stop
    bad = client.post(reverse("notifications:unsubscribe", args=["falsifie"]))
    assert bad.status_code == 400 and "pas valide" in page_text(bad)
    # It points to the one preferences page, not to each group's member list.
    assert f'href="{reverse("espace:preferences")}"' in bad.content.decode()
    assert "page des membres" not in page_text(bad)


def test_notification_email_text_has_no_markup_heading(world, django_capture_on_commit_callbacks):
    group, member = world["group"], world["member"]
    services.set_email_mode(group, member, EmailMode.EACH)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.create_thread(group, world["animateur"], title="À lire", body="x")
    (message,) = [m for m in mail.outbox if m.to == [member.email]]
    assert "==" not in message.body


def test_notification_list_and_mark_read(client, world):
    member = world["member"]
    services.create_thread(world["group"], world["animateur"], title="À lire", body="x")
    client.force_login(member)
    notification = Notification.objects.filter(recipient=member).first()
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == notification.url
    notification.refresh_from_db()
    assert notification.read_at
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()


@pytest.mark.parametrize("role", ["anonymous", "professional"])
def test_notification_urls_by_role(client, role, professional):
    if role == "professional":
        client.force_login(professional)
    status = client.get(reverse("notifications:list")).status_code
    assert status == (302 if role == "anonymous" else 200)


def test_activity_json_shape(client, world):
    client.force_login(world["member"])
    data = client.get(reverse("groups:activity_json", args=[world["group"].slug])).json()
    assert data["group"]["slug"] == world["group"].slug
    assert {"verb", "label", "actor", "title", "url", "created_at"} <= set(data["activity"][0])


def test_cite_gets_its_group_on_creation():
    cite = CiteFactory()
    assert cite.group.access == Access.RESERVED and cite.group.kind == Kind.CITE


def test_cite_page_shows_group_shortcut_to_members_only(client, world):
    cite_url = world["group"].cite.get_absolute_url()
    client.force_login(world["member"])
    assert world["group"].get_absolute_url() in page_text(client.get(cite_url))
    client.force_login(world["outsider"])
    assert world["group"].get_absolute_url() not in page_text(client.get(cite_url))


# --- Fixes of issue 12 ----------------------------------------------------------------------


def test_my_groups_cards_count_every_member_in_a_constant_number_of_queries(client, world):
    """Each card counts the group's members (not "1 membre" everywhere), French plural, and
    the page's queries do not grow with the number of cards."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = world["member"]
    client.force_login(member)
    alone = services.create_group(name="Seule ici", access=Access.OPEN, animateurs=[member])
    client.get(reverse("groups:index"))  # first request: session and per-process lookups
    with CaptureQueriesContext(connection) as two_cards:
        text = page_text(client.get(reverse("groups:index")))
    assert "2 membres" in text  # the cité group: animateur and member
    assert "1 membre" in text and "1 membres" not in text  # the new group
    for n in range(3):
        services.create_group(name=f"Groupe {n}", access=Access.OPEN, animateurs=[member])
    with CaptureQueriesContext(connection) as five_cards:
        client.get(reverse("groups:index"))
    assert len(five_cards) == len(two_cards)
    assert alone.memberships.count() == 1


def test_refused_join_request_decision_leaves_no_trace(world):
    """A request approved for someone the eligibility rule refuses stays pending: the decision
    and the membership are one transaction."""
    national = services.ensure_national_group()
    services.add_member(national, world["animateur"], role=Role.ANIMATEUR)
    national.access = Access.ON_REQUEST
    national.save()
    join_request = services.request_to_join(national, world["member"])  # a partner
    with pytest.raises(Exception, match="réservé aux coordonnateurs"):
        services.decide_join_request(join_request, approve=True, actor=world["animateur"])
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    assert join_request.decided_by is None
    assert not national.memberships.filter(user=world["member"]).exists()
    from audit.models import AuditEntry

    assert not AuditEntry.objects.filter(target_id=str(join_request.pk)).exists()


@pytest.mark.parametrize("who", ["outsider", "member", "anct"])
def test_invitation_can_only_be_accepted_by_the_invited_address(client, world, who):
    invitation = services.invite(world["group"], "invitee@example.org", actor=world["animateur"])
    client.force_login(world[who])
    page = client.get(invitation.get_absolute_url())
    assert page.status_code == 403
    assert "destinée à un autre compte" in page_text(page)
    assert "Accepter l'invitation" not in page_text(page)
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 403
    assert "i…@example.org" in page_text(response)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert world["group"].memberships.count() == 2
    with pytest.raises(services.InvitationError):
        services.accept_invitation(invitation.token, world[who])
    # The invited address's account accepts it.
    invitee = UserFactory(email="Invitee@Example.org".lower())
    client.force_login(invitee)
    assert client.get(invitation.get_absolute_url()).status_code == 200
    response = client.post(invitation.get_absolute_url())
    assert response["Location"] == world["group"].get_absolute_url()
    assert world["group"].memberships.filter(user=invitee).exists()


@pytest.mark.parametrize(
    "role, expected",
    [("anonymous", 302), ("outsider", 404), ("anct", 404), ("member", 404), ("animateur", 200)],
)
def test_delete_confirmation_by_role(client, world, role, expected):
    """The opening post is the animateur's: only its author is asked; nobody else deletes, and
    another member gets the 404 of a post that does not exist."""
    url = reverse("groups:delete_post", args=[world["group"].slug, world["post"].pk])
    if role != "anonymous":
        client.force_login(world[role])
    assert client.get(url).status_code == expected
    client.post(url, {"confirmer": "1"})
    world["post"].refresh_from_db()
    assert (world["post"].deleted_at is not None) == (role == "animateur")
