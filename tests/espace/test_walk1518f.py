"""Walk 1518f (issues #15 and #18): what a person removed from a group still sees, and the
wording of the news lines and e-mails around a proposal to the library."""

# ruff: noqa: F811 (test_espace's fixtures, imported, are test arguments here)

import io

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from groups import services
from notifications.models import EmailMode, Notification
from tests.espace.test_espace import team  # noqa: F401 (fixture)
from tests.utils import page_text

# --- N1: a removed member no longer sees the group's news ---------------------------------------


def test_removed_member_no_longer_sees_the_group_news_and_is_told(
    client, team, django_capture_on_commit_callbacks
):
    group, animateur, member = team["group"], team["animateur"], team["member"]
    services.create_thread(
        group, animateur, title="Comité secret de décembre", body="Ordre du jour"
    )
    client.force_login(member)
    assert "Comité secret de décembre" in page_text(client.get(reverse("espace:home")))
    news = Notification.objects.get(recipient=member, kind="thread")

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_member(group, member, actor=animateur)
    # Filtered when read, not only deleted when removed: the row is still there, due in a digest.
    Notification.objects.filter(pk=news.pk).update(email_mode=EmailMode.DIGEST, emailed_at=None)

    for url in (reverse("espace:home"), reverse("notifications:list")):
        text = page_text(client.get(url))
        assert "Comité secret de décembre" not in text, url
        assert f"Vous ne faites plus partie du groupe « {group.name} »" in text, url
    opened = client.get(reverse("notifications:open", args=[news.pk]))
    assert opened.url == reverse("notifications:list")

    (told,) = [m for m in mail.outbox if m.to == [member.email]]
    assert f"Vous ne faites plus partie du groupe « {group.name} »" in told.subject
    assert told.subject.startswith("[Cités de l'emploi]")

    mail.outbox.clear()
    call_command("send_digests", stdout=io.StringIO())
    assert not [m for m in mail.outbox if m.to == [member.email]]
    # Still a member: the same news is listed and e-mailed.
    services.add_member(group, member)
    assert "Comité secret de décembre" in page_text(client.get(reverse("notifications:list")))
    Notification.objects.filter(pk=news.pk).update(emailed_at=None)
    call_command("send_digests", stdout=io.StringIO())
    assert "Comité secret de décembre" in mail.outbox[-1].body


def test_leaving_a_group_oneself_sends_no_removal_notice(client, team):
    group, member = team["group"], team["member"]
    services.leave_group(group, member)
    assert not Notification.objects.filter(recipient=member, kind="member_removed").exists()
