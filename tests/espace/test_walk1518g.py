"""Walk 1518g (issues #15 and #18): one wording per group event in Mon espace and the digest
(groups.wording), the group named once per line, arrivals summed up after the contents."""

# ruff: noqa: F811 (test_espace's fixtures, imported, are test arguments here)

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import strip_tags

from groups import services, wording
from groups.models import Membership, Role
from notifications.models import EmailMode, Notification
from tests.espace.test_espace import parts, smtp, team  # noqa: F401 (fixtures)
from tests.factories import UserFactory
from tests.utils import page_text


def _news(client):
    text = " ".join(strip_tags(page_text(client.get("/mon-espace/"))).split())
    return text[text.index("Nouveautés de mes groupes") : text.index("Questions sans solution")]


def test_mon_espace_words_each_event_once_and_sums_up_arrivals_after_contents(client, team):
    group, animateur, member = team["group"], team["animateur"], team["member"]
    Membership.objects.filter(user=member).update(last_seen_at=timezone.now())
    newcomers = [UserFactory(cite=team["cite"], partner=True) for _ in range(3)]
    services.add_member(group, newcomers[0])
    thread = services.create_thread(group, animateur, title="Comité", body="Ordre du jour")
    services.add_member(group, newcomers[1])
    services.reply(thread, member, body="Je viens.")
    services.reply(thread, animateur, body="Merci.")
    services.upload_document(
        group, animateur, uploaded=SimpleUploadedFile("cr.txt", b"compte rendu"), title="CR"
    )
    services.add_member(group, newcomers[2])
    client.force_login(member)
    news = _news(client)
    expected = [
        wording.sentence("document", actor=animateur.display_name, title="CR"),
        wording.sentence("reply", actor=animateur.display_name, title="Comité"),
        wording.sentence("thread", actor=animateur.display_name, title="Comité"),
        "3 personnes ont rejoint le groupe",
    ]
    assert all(f"{line} — {group.name}, " in news for line in expected), news
    positions = [news.index(f"{line} — {group.name}, ") for line in expected]
    assert positions == sorted(positions), news  # arrivals last, after every content
    assert news.count(group.name) == len(expected)  # once per line, never in the sentence
    assert "a rejoint le groupe" not in news  # summed up, not one line each
    # The same event in the digest reads the same (one source of wording).
    reply_title = Notification.objects.get(recipient=member, kind="reply").title
    assert reply_title == expected[1]


def test_mon_espace_lists_a_single_arrival_by_name(client, team):
    group, member = team["group"], team["member"]
    Membership.objects.filter(user=member).update(last_seen_at=timezone.now())
    newcomer = UserFactory(cite=team["cite"], partner=True, first_name="Léa", last_name="Nouvel")
    services.add_member(group, newcomer)
    client.force_login(member)
    assert f"Léa Nouvel a rejoint le groupe — {group.name}, " in _news(client)


def test_digest_puts_the_group_once_as_heading_and_requests_after_contents(
    team, smtp, django_capture_on_commit_callbacks
):
    group, animateur = team["group"], team["animateur"]
    group.access = "on_request"
    group.save()
    services.set_email_mode(group, animateur, EmailMode.DIGEST)
    applicant = UserFactory(cite=team["cite"], partner=True)
    services.request_to_join(group, applicant)
    thread = services.create_thread(group, team["member"], title="Mobilité", body="Qui ?")
    services.reply(thread, team["member"], body="Moi.")
    services.add_member(group, UserFactory(cite=team["cite"], partner=True), role=Role.MEMBRE)
    Notification.objects.filter(recipient=animateur).update(email_mode=EmailMode.DIGEST)
    call_command("send_digests", stdout=io.StringIO())
    ((_, digest),) = [m for m in smtp.messages if m[0] == [animateur.email]]
    text, html = parts(digest)
    body = text.split("\n--")[0]
    assert body.count(group.name) == 1  # the heading
    member = team["member"].display_name
    lines = [
        wording.sentence("thread", actor=member, title="Mobilité"),
        wording.sentence("join_request", actor=applicant.display_name),
    ]
    positions = [body.index(f"• {line}") for line in lines]
    assert positions == sorted(positions), body  # the request after the discussion
    assert body.index(f"== {group.name} ==") < positions[0]
    html_body = html.split("Régler toutes vos notifications")[0]
    assert len(re.findall(rf"<h2[^>]*>{re.escape(group.name)}</h2>", html_body)) == 1
    assert len(re.findall(r"<h3", html_body)) == 2


# --- F11: the bulletin's champs from the preferences page, no second confirmation -------------


def _verified(user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_verified_account_subscribes_at_once_with_its_champs_and_changes_them(
    client, team, django_capture_on_commit_callbacks
):
    from django.core import mail

    from ressources.models import Subscriber

    member = _verified(team["member"])
    choice = {f"groupe_{team['group'].pk}": "each"}
    client.force_login(member)
    page = page_text(client.get("/mon-espace/preferences/"))
    assert "Champs d'action du bulletin" in page
    assert page.count('name="bulletin_themes"') == 8  # the 8 champs d'action
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/mon-espace/preferences/",
            {**choice, "bulletin": "on", "bulletin_themes": ["mobilite", "sante-handicap"]},
            follow=True,
        )
    assert f"Vous êtes abonné(e) au bulletin de veille, à l'adresse {member.email}." in (
        page_text(response)
    )
    assert mail.outbox == []  # no confirmation e-mail: the address is verified
    subscriber = Subscriber.objects.active().get(email=member.email)
    assert subscriber.chosen_theme_slugs() == {"mobilite", "sante-handicap"}
    html = client.get("/mon-espace/preferences/").content.decode()
    assert re.search(r'value="mobilite"\s+checked', html) and "Confirmation en attente" not in html
    # Changed later from the same page; no box ticked: the whole bulletin.
    response = client.post(
        "/mon-espace/preferences/",
        {**choice, "bulletin": "on", "bulletin_themes": ["logement"]},
        follow=True,
    )
    assert "Les champs d'action de votre bulletin de veille sont enregistrés." in page_text(
        response
    )
    subscriber.refresh_from_db()
    assert subscriber.chosen_theme_slugs() == {"logement"}
    client.post("/mon-espace/preferences/", {**choice, "bulletin": "on"})
    subscriber.refresh_from_db()
    assert subscriber.all_themes and subscriber.chosen_theme_slugs() == set()
    assert Subscriber.objects.count() == 1


def test_unverified_account_keeps_the_double_opt_in_and_its_champs_ride_the_link(
    client, team, django_capture_on_commit_callbacks
):
    from django.core import mail

    from ressources.models import Subscriber

    member = team["member"]  # no verified address
    client.force_login(member)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/mon-espace/preferences/",
            {
                f"groupe_{team['group'].pk}": "each",
                "bulletin": "on",
                "bulletin_themes": ["sante-handicap"],
            },
        )
    assert not Subscriber.objects.exists()
    (confirmation,) = [m for m in mail.outbox if m.to == [member.email]]
    link = re.search(r"http://\S+/veille/abonnement/\S+/", confirmation.body).group(0)
    client.post(link.removeprefix("http://127.0.0.1:8000"))
    assert Subscriber.objects.active().get(email=member.email).chosen_theme_slugs() == {
        "sante-handicap"
    }
