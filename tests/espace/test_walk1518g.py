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
