"""Walk 1518e (issues #15 and #18): e-mails that name the group and the thread once, French
plurals, one time format, refusal answers that tell the truth and link only what the reader may
open, an unsubscribe page that says what it does, a removal that asks first."""

# ruff: noqa: F811 (test_espace's fixtures, imported, are test arguments here)

import datetime
import html
import re
import time

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from commons.french import format_datetime, format_time, of_name
from groups import services
from groups.models import Membership, Post
from groups.replies import reply_address
from notifications.models import EmailMode, Notification
from notifications.services import unsubscribe_url
from tests.espace.test_espace import (  # noqa: F401 (fixtures)
    answers_to,
    parts,
    receive_email,
    reply_message,
    smtp,
    team,
    thread,
)
from tests.utils import page_text

NBSP = "\u00a0"


# --- F3: one time format, F7: elision ---------------------------------------------------------


def test_time_is_written_21_h_55_without_seconds_everywhere():
    at = timezone.make_aware(datetime.datetime(2026, 12, 7, 21, 55, 42))
    assert format_time(at) == f"21{NBSP}h{NBSP}55"
    assert format_time(datetime.time(9, 5)) == f"9{NBSP}h{NBSP}05"
    assert format_datetime(at) == f"7 décembre 2026 à 21{NBSP}h{NBSP}55"
    rendered = Template('{{ at|heure }} | {{ at|date_heure:"j F" }}').render(Context({"at": at}))
    assert rendered == f"21{NBSP}h{NBSP}55 | 7 décembre à 21{NBSP}h{NBSP}55"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Amandine Leroy", "d'Amandine Leroy"),
        ("Élodie", "d'Élodie"),
        ("Hugo", "d'Hugo"),
        ("Julien Caron", "de Julien Caron"),
        ("", ""),
    ],
)
def test_de_is_elided_before_a_vowel_or_h(name, expected):
    assert of_name(name) == expected
    rendered = Template("{{ n|de }}").render(Context({"n": name}))
    assert html.unescape(rendered) == expected


# --- F1, F2, F3: notification and digest e-mails ----------------------------------------------


def _count(text, needle):
    return len(re.findall(re.escape(needle), text))


def test_digest_names_group_and_thread_once_per_item_real_plural_and_one_time_format(
    team, smtp, django_capture_on_commit_callbacks
):
    group, animateur, member = team["group"], team["animateur"], team["member"]
    services.set_email_mode(group, member, EmailMode.DIGEST)
    thread = services.create_thread(
        group, animateur, title="Comité technique du mois", body="<p>Ordre du jour.</p>"
    )
    services.reply(thread, animateur, body="<p>Complément.</p>")
    Notification.objects.filter(recipient=member).update(email_mode=EmailMode.DIGEST)
    pending = Notification.objects.filter(recipient=member).count()
    assert pending >= 1
    call_command("send_digests", stdout=(out := __import__("io").StringIO()))
    ((_, digest),) = [m for m in smtp.messages if m[0] == [member.email]]
    noun = "nouveauté" if pending == 1 else "nouveautés"
    assert digest["Subject"].endswith(f"Votre récapitulatif : {pending} {noun}")
    assert "(s)" not in digest["Subject"] and "(s)" not in out.getvalue()
    assert "1 récapitulatif envoyé." in out.getvalue()
    text, html_part = parts(digest)
    # The group is the heading of its items (walk 1518g): the new-thread item names the thread
    # once and not the group again.
    body = text.split("--")[0]
    assert _count(body, group.name) == 1
    item = text.split("a ouvert la discussion")[1].split("Lire sur la plateforme")[0]
    assert _count(item, group.name) == 0 and _count(item, "Comité technique du mois") == 1
    html_item = html_part.split("a ouvert la discussion")[1].split("Lire sur la plateforme")[0]
    assert _count(html_item, group.name) == 0
    assert _count(html_item, "Comité technique du mois") == 1
    # One time format: « 21 h 55 », never « 21h55 », « 21:55 » or seconds.
    assert re.search(r"à \d{1,2}\u00a0h\u00a0\d\d", text)
    assert not re.search(r"\d\dh\d\d|\d\d:\d\d", text.split("--")[0])


def test_single_reply_notification_names_the_group_once_above_the_title(
    team, thread, smtp, django_capture_on_commit_callbacks
):
    group, member = team["group"], team["member"]
    services.reply(thread, member, body="Première réponse")
    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(thread, team["animateur"], body="Merci")
    ((_, message),) = [m for m in smtp.messages if m[0] == [member.email]]
    text, _ = parts(message)
    body = text.split("--")[0]
    assert _count(body, group.name) == 1 and _count(body, "« Sujet »") == 1
    assert body.index(group.name) < body.index("a répondu à « Sujet »")
    assert f"({group.name})" not in text


def test_mark_all_read_message_has_a_real_plural(client, team, thread):
    client.force_login(team["member"])
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    text = page_text(response)
    assert "1 notification marquée comme lue." in text and "(s)" not in text


# --- F4, F16, F17: refusal answers ------------------------------------------------------------


def _expired_address(member, thread, settings, monkeypatch):
    long_ago = time.time() - (settings.REPLY_EMAIL_MAX_AGE_DAYS + 1) * 86400
    with monkeypatch.context() as clock:
        clock.setattr(signing.time, "time", lambda: long_ago)
        return reply_address(member, thread)


def test_expired_address_answer_states_the_real_validity_and_links_the_discussion(
    team, thread, monkeypatch, settings
):
    member = team["member"]
    settings.REPLY_EMAIL_MAX_AGE_DAYS = 60
    address = _expired_address(member, thread, settings, monkeypatch)
    mail.outbox.clear()
    receive_email(reply_message(member.email, address, "Bonjour"), monkeypatch)
    (answer,) = answers_to(member.email)
    assert "n'était valable que 60 jours" in answer.body
    assert "vaut" not in answer.body
    assert f"La discussion : http://testserver{thread.get_absolute_url()}" in answer.body or (
        "La discussion : " in answer.body and thread.get_absolute_url() in answer.body
    )
    assert "« Sujet »" in answer.subject
    assert not Post.objects.filter(is_opening=False).exists()


def test_expired_address_of_a_removed_member_links_no_discussion(
    team, thread, monkeypatch, settings
):
    member = team["member"]
    address = _expired_address(member, thread, settings, monkeypatch)
    services.remove_member(team["group"], member, actor=team["animateur"])
    mail.outbox.clear()
    receive_email(reply_message(member.email, address, "Bonjour"), monkeypatch)
    (answer,) = answers_to(member.email)
    assert "a expiré" in answer.body
    assert thread.get_absolute_url() not in answer.body and "La plateforme : " in answer.body


def test_removed_member_answer_gives_no_link_to_the_discussion(team, thread, monkeypatch):
    member = team["member"]
    address = reply_address(member, thread)
    services.remove_member(team["group"], member, actor=team["animateur"])
    mail.outbox.clear()
    receive_email(reply_message(member.email, address, "Bonjour"), monkeypatch)
    (answer,) = answers_to(member.email)
    assert "n'êtes plus membre du groupe" in answer.body
    assert thread.get_absolute_url() not in answer.body
    assert "La discussion :" not in answer.body and "La plateforme : " in answer.body


def test_removed_member_digest_does_not_link_the_group_discussions(
    team, thread, smtp, django_capture_on_commit_callbacks
):
    group, member = team["group"], team["member"]
    services.set_email_mode(group, member, EmailMode.DIGEST)
    services.create_thread(group, team["animateur"], title="Après", body="Pour le groupe")
    assert Notification.objects.digest_pending().filter(recipient=member).exists()
    services.remove_member(group, member, actor=team["animateur"])
    call_command("send_digests", stdout=__import__("io").StringIO())
    assert not [m for rcpts, m in smtp.messages if rcpts == [member.email]]


def test_disguised_attachment_answer_does_not_repeat_itself(team, thread, monkeypatch):
    member = team["member"]
    raw = reply_message(
        member.email,
        reply_address(member, thread),
        "Voici le compte rendu",
        files=[("compte-rendu.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application", "pdf")],
    )
    mail.outbox.clear()
    receive_email(raw, monkeypatch)
    (answer,) = answers_to(member.email)
    assert "Pièce jointe « compte-rendu.pdf » : ce type de fichier n'est pas accepté" in (
        answer.body
    )
    assert _count(answer.body, "n'est pas accepté") == 1
    formats = answer.body.split("Formats acceptés : ")[1].split(".")[0]
    assert formats.startswith("PDF, image PNG, image JPEG")


# --- F5: unsubscribe --------------------------------------------------------------------------


def test_unsubscribe_page_names_the_group_first_and_says_when_it_is_done(client, team):
    group, member = team["group"], team["member"]
    url = unsubscribe_url(member.pk, f"group:{group.pk}")
    before = page_text(client.get(url))
    assert f"vous ne recevrez plus de courriel pour « {group.name} »" in before
    assert "Me désabonner" in before
    done = page_text(client.post(url))
    assert f"C'est fait : vous ne recevrez plus de courriel pour « {group.name} »" in done
    assert Membership.objects.get(group=group, user=member).email_mode == EmailMode.NONE
    again = client.get(url)
    text = page_text(again)
    assert f"C'est déjà fait : vous ne recevez plus de courriel pour « {group.name} »" in text
    assert (
        "Me désabonner" not in text
        and b'method="post"' not in again.content.split(b"<main")[-1].split(b"</main>")[0]
    )


def test_unsubscribe_from_the_library_names_it(client, team):
    url = unsubscribe_url(team["member"].pk, "library")
    assert "pour « Bibliothèque de ressources »" in page_text(client.get(url))


# --- F17, F19: Membres page -------------------------------------------------------------------


def test_removing_a_member_asks_for_confirmation_first(client, team):
    group, animateur, member = team["group"], team["animateur"], team["member"]
    client.force_login(animateur)
    members = client.get(reverse("groups:members", args=[group.slug]))
    url = reverse("groups:remove_member", args=[group.slug, member.pk])
    # The Membres page links to a confirmation page: no form removes at once.
    assert f'href="{url}"'.encode() in members.content
    assert f'action="{url}"'.encode() not in members.content
    confirm = client.get(url)
    assert confirm.status_code == 200
    text = page_text(confirm)
    assert f"Retirer {member.display_name} du groupe ?" in text
    assert Membership.objects.filter(group=group, user=member).exists()
    done = client.post(url, follow=True)
    assert f"{member.display_name} ne fait plus partie du groupe." in page_text(done)
    assert not Membership.objects.filter(group=group, user=member).exists()


def test_removal_confirmation_is_for_managers_only(client, team):
    group, member = team["group"], team["member"]
    client.force_login(member)
    url = reverse("groups:remove_member", args=[group.slug, team["animateur"].pk])
    assert client.get(url).status_code == 404


def test_members_page_roles_are_gender_neutral(client, team):
    client.force_login(team["member"])
    text = page_text(client.get(reverse("groups:members", args=[team["group"].slug])))
    assert "Anime le groupe" in text and "Animateur ou animatrice" not in text


# --- F18: a mention in the text part ----------------------------------------------------------


def test_text_part_mention_reads_as_a_name_without_url_or_double_space(
    team, smtp, django_capture_on_commit_callbacks
):
    group, member = team["group"], team["member"]
    link = services.mention_url(group, member)
    with django_capture_on_commit_callbacks(execute=True):
        services.create_thread(
            group,
            team["animateur"],
            title="Compte rendu",
            body=f'<p>Merci <a href="{link}">@{member.display_name}</a>&nbsp; pour le relevé.</p>',
        )
    ((_, message),) = [m for m in smtp.messages if m[0] == [member.email]]
    text, html_part = parts(message)
    assert f"Merci @{member.display_name} pour le relevé." in text
    assert "#membre-" not in text
    assert "#membre-" in html_part  # the HTML part keeps the link
