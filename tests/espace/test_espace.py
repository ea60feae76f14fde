"""Issue #15: e-mails that carry the message, replies by e-mail, Mon espace, the preferences page,
café-cité change e-mails and the demo outbox."""

import email
import io
import re
import socket
import sys
import time
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.core import mail, signing
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from icalendar import Calendar

from espace.models import InboundEmail, InboundStatus
from groups import services
from groups.models import Membership, Post, Role
from groups.replies import reply_address
from notifications.models import EmailMode, Notification, OutboxEmail
from tests.factories import CiteFactory, UserFactory
from tests.factories.cafes_cites import make_session
from tests.utils import page_text

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


# --- Fixtures and helpers ----------------------------------------------------------------------


class Collector:
    """aiosmtpd handler: keeps every message the platform's SMTP client delivers."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback; the platform sends through Django's SMTP backend."""
    collector = Collector()
    with socket.socket() as probe:  # a free port (the controller checks it by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield collector
    controller.stop()


@pytest.fixture
def team(settings, tmp_path):
    """A cité group: an animateur and a member, both e-mailed at each event."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    cite = CiteFactory()
    group = cite.group
    animateur = UserFactory(cite=cite, coordinator=True, first_name="Anne", last_name="Animatrice")
    member = UserFactory(cite=cite, partner=True, first_name="Marc", last_name="Membre")
    services.add_member(group, animateur, role=Role.ANIMATEUR)
    services.add_member(group, member)
    for user in (animateur, member):
        services.set_email_mode(group, user, EmailMode.EACH)
    return {"group": group, "animateur": animateur, "member": member, "cite": cite}


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def reply_message(sender, to, text, *, message_id=None, html=None, headers=None, files=()):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: notification"
    message["Message-ID"] = message_id or email.utils.make_msgid(domain="example.org")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, data, maintype, subtype in files:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def receive_email(raw, monkeypatch, capsys=None):
    """The real command, fed on standard input like an MTA pipe."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    call_command("receive_email")


def answers_to(address):
    return [m for m in mail.outbox if m.to == [address]]


# --- End to end over SMTP ---------------------------------------------------------------------


def test_notification_reply_by_email_round_trip_over_smtp(
    client, team, smtp, monkeypatch, django_capture_on_commit_callbacks
):
    group, animateur, member = team["group"], team["animateur"], team["member"]
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.create_thread(
            group,
            animateur,
            title="Comité de pilotage",
            body='<p>Qui vient <strong>jeudi</strong> ? Voir <a href="/groupes/">les groupes</a>'
            "</p><script>alert(1)</script>",
        )
    ((recipients, notification),) = smtp.messages
    assert recipients == [member.email]
    text, html = parts(notification)
    # The message itself, in both parts, with absolute links and no remote image or script.
    assert "Qui vient jeudi ?" in text and "<strong>jeudi</strong>" in html
    assert 'href="http://' in html and "<img" not in html and "<script" not in html
    assert "/mon-espace/preferences/" in text and "/mon-espace/preferences/" in html
    assert notification["Auto-Submitted"] == "auto-generated"
    reply_to = notification["Reply-To"]
    assert reply_to.startswith("reponse+") and reply_to.endswith("@reponses.test")
    assert len(reply_to.split("@")[0]) <= 64  # RFC 5321 local part

    # The member answers from their mail client, quoting the notification.
    quoted = "\n".join(f"> {line}" for line in text.splitlines())
    raw = reply_message(
        member.email,
        reply_to,
        "Je serai là, avec la mission locale.\n\n"
        f"Le lun. 7 déc. 2026 à 10:00, Cités de l'emploi <{reply_to}> a écrit :\n{quoted}\n",
    )
    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        receive_email(raw, monkeypatch)
    reply = Post.objects.get(thread=thread, is_opening=False)
    assert reply.author == member
    assert "Je serai là, avec la mission locale." in reply.body_html
    assert "a écrit" not in reply.body_html and "Qui vient" not in reply.body_html
    record = InboundEmail.objects.get()
    assert record.status == InboundStatus.POSTED and record.post == reply

    # Members read it in the thread; the animateur's notification carries it, with context.
    client.force_login(animateur)
    assert "Je serai là, avec la mission locale." in page_text(
        client.get(thread.get_absolute_url())
    )
    ((recipients, notification),) = smtp.messages
    assert recipients == [animateur.email]
    text, html = parts(notification)
    assert "Je serai là, avec la mission locale." in text
    assert "Plus tôt dans la discussion" in text and "Qui vient jeudi" in text
    assert notification["Reply-To"] != reply_to  # per-recipient address


# --- Refusals: a French answer, nothing posted -------------------------------------------------


@pytest.fixture
def thread(team):
    return services.create_thread(team["group"], team["animateur"], title="Sujet", body="Texte")


def assert_refused(sender, code, phrase):
    assert not Post.objects.filter(is_opening=False).exists()
    (answer,) = answers_to(sender)
    assert phrase in answer.body, answer.body
    assert answer.extra_headers["Auto-Submitted"] == "auto-replied"
    assert InboundEmail.objects.filter(code=code).exists()


def test_forged_token_is_refused(team, thread, monkeypatch):
    member = team["member"]
    address = reply_address(member, thread)
    local, domain = address.split("@")
    forged = f"{local[:-3]}{'A' if local[-3] != 'A' else 'B'}{local[-2:]}@{domain}"
    mail.outbox.clear()
    receive_email(reply_message(member.email, forged, "Bonjour"), monkeypatch)
    assert_refused(member.email, "forged", "n'est pas valide")


def test_token_naming_another_thread_cannot_be_forged(team, thread, monkeypatch):
    """Changing the thread part of the token breaks the signature."""
    member = team["member"]
    token = reply_address(member, thread).split("+", 1)[1].split("@")[0]
    value, timestamp, signature = token.split(".")
    user_part = value.split("-")[0]
    other = f"{user_part}-{signing.b62_encode(thread.pk + 1)}.{timestamp}.{signature}"
    mail.outbox.clear()
    receive_email(reply_message(member.email, f"reponse+{other}@reponses.test", "x"), monkeypatch)
    assert_refused(member.email, "forged", "n'est pas valide")


def test_expired_token_is_refused(team, thread, monkeypatch, settings):
    member = team["member"]
    long_ago = time.time() - (settings.REPLY_EMAIL_MAX_AGE_DAYS + 1) * 86400
    with monkeypatch.context() as clock:
        clock.setattr(signing.time, "time", lambda: long_ago)
        address = reply_address(member, thread)
    mail.outbox.clear()
    receive_email(reply_message(member.email, address, "Bonjour"), monkeypatch)
    assert_refused(member.email, "expired", "a expiré")


def test_member_who_left_is_refused(team, thread, monkeypatch):
    member = team["member"]
    address = reply_address(member, thread)
    services.leave_group(team["group"], member)
    mail.outbox.clear()
    receive_email(reply_message(member.email, address, "Bonjour"), monkeypatch)
    assert_refused(member.email, "forbidden", "n'êtes plus membre du groupe")


def test_non_member_sender_is_refused(team, thread, monkeypatch):
    """Someone who got a forwarded notification cannot answer as its recipient."""
    outsider = UserFactory()
    address = reply_address(team["member"], thread)
    mail.outbox.clear()
    receive_email(reply_message(outsider.email, address, "Je m'invite"), monkeypatch)
    assert_refused(outsider.email, "wrong_sender", "adresse de réponse est personnelle")


def test_deactivated_account_is_refused(team, thread, monkeypatch):
    member = team["member"]
    address = reply_address(member, thread)
    member.is_active = False
    member.save()
    mail.outbox.clear()
    receive_email(reply_message(member.email, address, "Bonjour"), monkeypatch)
    assert not Post.objects.filter(is_opening=False).exists()
    assert InboundEmail.objects.filter(code="inactive").exists()
    assert mail.outbox == []  # the address no longer belongs to an active account


def test_unknown_or_forged_sender_gets_no_answer(team, thread, monkeypatch):
    """Backscatter: a refusal only goes to an address that is an active account."""
    address = reply_address(team["member"], thread)
    mail.outbox.clear()
    for sender in ("quelquun@exemple.org", "victime@exemple.org"):
        receive_email(reply_message(sender, address, "Spam"), monkeypatch)
        receive_email(reply_message(sender, "contact@reponses.test", "Spam"), monkeypatch)
    assert mail.outbox == []
    assert InboundEmail.objects.filter(status=InboundStatus.REFUSED).count() == 4
    assert not Post.objects.filter(is_opening=False).exists()


def test_auto_reply_is_ignored_without_answer(team, thread, monkeypatch):
    member = team["member"]
    address = reply_address(member, thread)
    mail.outbox.clear()
    for headers in (
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"X-Autoreply": "yes"},
    ):
        raw = reply_message(member.email, address, "Je suis absent.", headers=headers)
        receive_email(raw, monkeypatch)
    bounce = reply_message("MAILER-DAEMON@example.org", address, "Undelivered")
    receive_email(bounce, monkeypatch)
    assert not Post.objects.filter(is_opening=False).exists()
    assert mail.outbox == []  # answering a robot would feed the loop (RFC 3834)
    assert set(InboundEmail.objects.values_list("status", flat=True)) == {InboundStatus.IGNORED}


def test_same_message_id_twice_posts_once(team, thread, monkeypatch):
    member = team["member"]
    raw = reply_message(
        member.email, reply_address(member, thread), "Une fois", message_id="<un@example.org>"
    )
    mail.outbox.clear()
    receive_email(raw, monkeypatch)
    receive_email(raw, monkeypatch)
    assert Post.objects.filter(is_opening=False).count() == 1
    assert InboundEmail.objects.count() == 1
    # The reply was published: telling the sender otherwise on a redelivery would be false.
    assert answers_to(member.email) == []


def test_duplicate_of_a_refused_message_is_not_answered_twice(team, thread, monkeypatch):
    member = team["member"]
    raw = reply_message(member.email, "contact@reponses.test", "Bonjour", message_id="<d@e.org>")
    mail.outbox.clear()
    receive_email(raw, monkeypatch)
    receive_email(raw, monkeypatch)
    assert len(answers_to(member.email)) == 1


def test_oversize_message_is_refused(team, thread, monkeypatch, settings):
    member = team["member"]
    settings.INBOUND_EMAIL_MAX_BYTES = 2000
    raw = reply_message(member.email, reply_address(member, thread), "x" * 5000)
    mail.outbox.clear()
    receive_email(raw, monkeypatch)
    assert_refused(member.email, "too_large", "trop volumineux")


def test_html_only_reply_is_sanitised_and_unquoted(team, thread, monkeypatch):
    member = team["member"]
    raw = html_only_message(
        member.email,
        reply_address(member, thread),
        "<div><b>D'accord</b> pour jeudi.</div><div>Le 7 déc. 2026, Anne a écrit :</div>"
        "<blockquote><p>Texte</p></blockquote>",
    )
    receive_email(raw, monkeypatch)
    reply = Post.objects.get(is_opening=False)
    assert "pour jeudi." in reply.body_html and "a écrit" not in reply.body_html


def html_only_message(sender, to, html):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: Comité"
    message["Message-ID"] = email.utils.make_msgid(domain="example.org")
    message.set_content(html, subtype="html")
    return message.as_bytes()


QUOTE = "Bonjour Julien, qui vient jeudi au comité ?"
CLIENT_REPLIES = {
    "gmail_html_only": (
        "html",
        '<div dir="ltr"><div><b>Parfait</b>, je confirme ma présence.</div><div>Julien</div>'
        '<div><br></div><div class="gmail_signature">Julien Caron<br>France Travail Saint-Omer'
        '<br>06 12 34 56 78</div></div><br><div class="gmail_quote"><div dir="ltr" '
        'class="gmail_attr">Le lun. 7 déc. 2026 à 16:32, Cités de l\'emploi &lt;ne-pas-repondre'
        f'@example.org&gt; a écrit&nbsp;:<br></div><blockquote class="gmail_quote">{QUOTE}'
        "</blockquote></div>",
    ),
    "outlook_html_only": (
        "html",
        '<html><head><style>p{margin:0}</style></head><body><div id="divtagdefaultwrapper">'
        "<p>Parfait, je confirme ma présence.</p><p>Julien</p></div><hr>"
        '<div id="divRplyFwdMsg"><b>De :</b> Cités de l\'emploi<br><b>Envoyé :</b> lundi 7 '
        "décembre 2026 16:32<br><b>À :</b> Julien Caron<br><b>Objet :</b> Comité</div>"
        f"<div>{QUOTE}</div></body></html>",
    ),
    "thunderbird_html_only": (
        "html",
        "<html><body><p>Parfait, je confirme ma présence.</p><p>Julien</p>"
        '<div class="moz-signature">-- <br>Julien Caron<br>France Travail</div>'
        '<div class="moz-cite-prefix">Le 07/12/2026 à 16:32, Cités de l\'emploi a écrit&nbsp;:'
        f'<br></div><blockquote type="cite"><p>{QUOTE}</p></blockquote></body></html>',
    ),
    "apple_mail_html_only": (
        "html",
        "<html><body><div>Parfait, je confirme ma présence.</div><div>Julien</div><div><br>"
        '<blockquote type="cite"><div>Le 7 déc. 2026 à 16:32, Cités de l’emploi '
        "&lt;ne-pas-repondre@example.org&gt; a écrit :</div><br><div>"
        f"{QUOTE}</div></blockquote></div></body></html>",
    ),
    "outlook_text_message_d_origine": (
        "plain",
        "Parfait, je confirme ma présence.\nJulien\n\n-----Message d'origine-----\n"
        "De : Cités de l'emploi <ne-pas-repondre@example.org>\nEnvoyé : lundi 7 décembre 2026"
        f" 16:32\nÀ : Julien Caron\nObjet : Comité\n\n{QUOTE}\n",
    ),
    "outlook_text_de_envoye": (
        "plain",
        "Parfait, je confirme ma présence.\nJulien\n\n________________________________\n"
        "De : Cités de l'emploi <ne-pas-repondre@example.org>\nEnvoyé : lundi 7 décembre 2026"
        f" 16:32\nÀ : Julien Caron\nObjet : Comité\n\n{QUOTE}\n",
    ),
    "dash_dash_signature": (
        "plain",
        "Parfait, je confirme ma présence.\nJulien\n\n-- \nJulien Caron\n"
        f"France Travail Saint-Omer\n06 12 34 56 78\n\n> {QUOTE}\n",
    ),
    "french_sign_off_block": (
        "plain",
        "Parfait, je confirme ma présence.\nJulien\n\nBien cordialement,\n\nJulien Caron\n"
        "Conseiller entreprises\nFrance Travail Saint-Omer\nTél. : 06 12 34 56 78\n",
    ),
}


@pytest.mark.parametrize("client_style", CLIENT_REPLIES)
def test_reply_from_common_clients_keeps_only_the_own_text(team, thread, monkeypatch, client_style):
    """Quotes, quote headers and signatures of Gmail, Outlook, Thunderbird and Apple Mail are
    not published; the reply's own lines are, as separate lines."""
    member = team["member"]
    kind, content = CLIENT_REPLIES[client_style]
    address = reply_address(member, thread)
    if kind == "html":
        raw = html_only_message(member.email, address, content)
    else:
        raw = reply_message(member.email, address, content)
    receive_email(raw, monkeypatch)
    reply = Post.objects.get(is_opening=False)
    lines = [line.strip() for line in page_text_of(reply.body_html).splitlines() if line.strip()]
    assert lines == ["Parfait, je confirme ma présence.", "Julien"], reply.body_html


def page_text_of(html):
    from notifications.content import html_to_text

    return html_to_text(html)


def test_hyphen_list_and_mid_text_greetings_are_kept(team, thread, monkeypatch):
    member = team["member"]
    text = (
        "Bonjour,\n\nBonne journée à vous aussi ! Pour jeudi :\n- la salle B\n- 14 h\n\n"
        "Cordialement,\nJulien\n"
    )
    receive_email(reply_message(member.email, reply_address(member, thread), text), monkeypatch)
    body = Post.objects.get(is_opening=False).body_html
    assert "Bonne journée à vous aussi" in body and "la salle B" in body and "14 h" in body
    assert "Cordialement" not in body


def test_html_with_script_is_refused_the_text_given_back_with_the_link(team, thread, monkeypatch):
    member = team["member"]
    raw = reply_message(
        member.email,
        reply_address(member, thread),
        "Je viendrai avec deux collègues.\n\nLe 7 déc. 2026, Anne a écrit :\n> Texte",
        html="<p>Je viendrai avec deux collègues.</p><script>alert(1)</script>",
    )
    mail.outbox.clear()
    receive_email(raw, monkeypatch)
    assert_refused(member.email, "active_html", "script ou formulaire")
    (answer,) = answers_to(member.email)
    assert answer.subject.count("«") == 1 and thread.title in answer.subject
    assert "> Je viendrai avec deux collègues." in answer.body
    assert "a écrit" not in answer.body  # the quote is not given back
    assert f"La discussion : http://127.0.0.1:8000{thread.get_absolute_url()}" in answer.body
    assert answer.body.count("n'a pas été publiée") == 1
    assert "texte simple" not in answer.body


def test_oversize_refusal_states_both_limits_in_mo(team, thread, monkeypatch, settings):
    member = team["member"]
    settings.INBOUND_EMAIL_MAX_BYTES = 1024 * 1024
    settings.GROUP_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
    raw = reply_message(member.email, reply_address(member, thread), "x" * (1100 * 1024))
    mail.outbox.clear()
    receive_email(raw, monkeypatch)
    (answer,) = answers_to(member.email)
    assert "la limite est de 1 Mo pour le message entier" in answer.body
    assert "environ 0,8 Mo de pièces jointes" in answer.body
    assert "jusqu'à 20 Mo" in answer.body
    # « déposez vos fichiers depuis la discussion »: the answer links it (walk 1518f N8).
    assert f"La discussion : http://127.0.0.1:8000{thread.get_absolute_url()}" in answer.body


def test_disguised_attachment_is_refused(team, thread, monkeypatch):
    member = team["member"]
    raw = reply_message(
        member.email,
        reply_address(member, thread),
        "Voici le compte rendu",
        files=[("compte-rendu.pdf", b"MZ\x90\x00 not a pdf at all", "application", "pdf")],
    )
    mail.outbox.clear()
    receive_email(raw, monkeypatch)
    assert_refused(
        member.email, "attachment", "Pièce jointe « compte-rendu.pdf » : ce type de fichier"
    )


def test_a_valid_attachment_is_posted_with_the_reply(team, thread, monkeypatch):
    """Attached files go through the web form's checks and become the reply's attachments."""
    member = team["member"]
    raw = reply_message(
        member.email,
        reply_address(member, thread),
        "Voici le compte rendu",
        files=[("compte-rendu.pdf", PDF, "application", "pdf")],
    )
    receive_email(raw, monkeypatch)
    reply = Post.objects.get(is_opening=False)
    (attachment,) = reply.attachments.all()
    assert attachment.original_name == "compte-rendu.pdf"
    assert attachment.file.open("rb").read() == PDF


def test_sender_rate_limit(team, thread, monkeypatch, settings):
    member = team["member"]
    settings.INBOUND_EMAIL_RATE_COUNT = 2
    address = reply_address(member, thread)
    mail.outbox.clear()
    for n in range(4):
        receive_email(reply_message(member.email, address, f"Message {n}"), monkeypatch)
    assert Post.objects.filter(is_opening=False).count() == 2
    answers = answers_to(member.email)
    assert len(answers) == 1 and "trop de messages" in answers[0].body  # told once


def test_unknown_address_is_refused(team, monkeypatch):
    member = team["member"]
    mail.outbox.clear()
    receive_email(reply_message(member.email, "contact@reponses.test", "Bonjour"), monkeypatch)
    assert_refused(member.email, "no_token", "ne reçoit que les réponses")


# --- Who is e-mailed ------------------------------------------------------------------------


def test_mentioned_person_gets_the_replies_and_mentions_skip_the_digest(
    team, smtp, django_capture_on_commit_callbacks
):
    """Someone mentioned in a thread follows its replies like its authors; a mention is e-mailed
    at once even to a person who chose the daily digest, but not to one who chose none."""
    group, animateur, member = team["group"], team["animateur"], team["member"]
    julien = UserFactory(cite=team["cite"], partner=True, first_name="Julien", last_name="Caron")
    sophie = UserFactory(cite=team["cite"], partner=True, first_name="Sophie", last_name="Sans")
    services.add_member(group, julien)
    services.add_member(group, sophie)
    services.set_email_mode(group, julien, EmailMode.DIGEST)
    services.set_email_mode(group, sophie, EmailMode.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.create_thread(
            group, animateur, title="Forum emploi", body="@Julien Caron et @Sophie Sans, venez ?"
        )
    mentioned = {tuple(rcpts) for rcpts, m in smtp.messages if "mentionné" in m["Subject"]}
    assert mentioned == {(julien.email,)}  # digest: at once; none: no e-mail
    assert Notification.objects.filter(recipient=sophie, kind="mention").exists()

    services.set_email_mode(group, julien, EmailMode.EACH)
    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(thread, member, body="Je serai au forum.")
    assert Notification.objects.filter(recipient=julien, kind="reply").count() == 1
    assert Notification.objects.filter(recipient=sophie, kind="reply").count() == 1
    emailed = sorted(r for rcpts, _ in smtp.messages for r in rcpts)
    assert emailed == sorted([animateur.email, julien.email])


def test_preferences_page_says_when_the_digest_goes_and_that_mentions_do_not_wait(client, team):
    client.force_login(team["member"])
    text = page_text(client.get(reverse("espace:preferences")))
    assert "chaque matin vers 7 h" in text
    assert "Quand quelqu'un vous mentionne, le courriel part tout de suite" in text


# --- E-mail content --------------------------------------------------------------------------


def test_notification_email_lists_the_attachments(team, thread):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from commons.urls import site_url
    from groups import emails
    from groups import services as group_services

    post = group_services.reply(
        thread,
        team["member"],
        body="Le bilan",
        files=[SimpleUploadedFile("bilan.pdf", PDF, content_type="application/pdf")],
    )
    (item,) = emails._attachments(post)
    assert item.name == "bilan.pdf" and item.size == len(PDF)
    assert item.url == site_url() + post.attachments.get().get_download_url()


def test_notification_email_without_access_carries_no_content(team, thread):
    from notifications.emails import build_email

    member = team["member"]
    notification = Notification.objects.get(recipient=member, kind="thread")
    services.leave_group(team["group"], member)
    message = build_email(member, [notification], digest=False)
    assert "Texte" not in message.body and not message.reply_to


# --- Mon espace and preferences ---------------------------------------------------------------


ESPACE_URLS = ["/mon-espace/", "/mon-espace/preferences/"]


@pytest.mark.parametrize("url", ESPACE_URLS)
def test_espace_urls_for_each_role(role_client, url):
    response = role_client.get(url)
    if role_client.role == "anonymous":
        assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    else:
        assert response.status_code == 200
        assert "private" in response.get("Cache-Control", "")


def test_login_lands_on_mon_espace(client, member):
    from tests.factories import PASSWORD

    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/mon-espace/"


def test_mon_espace_shows_unread_activity_questions_and_notifications(client, team, thread):
    member, animateur = team["member"], team["animateur"]
    client.force_login(member)
    text = page_text(client.get("/mon-espace/"))
    assert "a ouvert la discussion" in text and "Sujet" in text
    assert "Questions sans solution" in text
    # The "new discussion" notification is the activity line itself, opened through it.
    notification = Notification.objects.get(recipient=member, kind="thread")
    assert text.count("Sujet") == 1 and "Nouvelle discussion" not in text
    assert (
        reverse("notifications:open", args=[notification.pk])
        in client.get("/mon-espace/").content.decode()
    )
    assert team["cite"].short_name in text
    client.get(thread.get_absolute_url())  # seen
    question = services.create_thread(
        team["group"],
        animateur,
        title="Qui connaît un garage solidaire ?",
        body="?",
        is_question=True,
    )
    text = page_text(client.get("/mon-espace/"))
    assert "Qui connaît un garage solidaire ?" in text  # waiting for an answer
    answer = services.reply(question, member, body="Celui de la mission locale.")
    services.reply(thread, animateur, body="Réponse")
    text = page_text(client.get("/mon-espace/"))
    assert "a répondu à" in text
    assert "Qui connaît un garage solidaire ?" in text  # answered, not solved yet
    services.mark_solution(question, answer, animateur)
    text = page_text(client.get("/mon-espace/"))
    assert "Aucune discussion de vos groupes n'attend de réponse." in text


def test_mon_espace_query_count_does_not_grow(
    client, django_assert_max_num_queries, team, settings
):
    from django.utils import timezone

    from cafes_cites.models import Registration, Session
    from tests.factories import make_anct_user
    from tests.factories.pilotage import make_campaign, make_indicators

    settings.GROUP_POST_RATE_COUNT = 0
    make_indicators()
    make_campaign(open_by=make_anct_user(), closes_in=9)  # the questionnaire block's queries
    member = team["member"]
    client.force_login(member)
    client.get("/mon-espace/")  # warm caches (site root paths, content types)
    # 22: « Fiches suivies » and the « Annuler » of a dismissed suggestion read one row set each.
    with django_assert_max_num_queries(22) as small:
        assert client.get("/mon-espace/").status_code == 200
    baseline = len(small.captured_queries)
    for n in range(6):
        group = services.create_group(
            name=f"Groupe {n}", access="open", animateurs=[team["animateur"]]
        )
        services.add_member(group, member)
        for k in range(5):
            services.create_thread(group, team["animateur"], title=f"Sujet {n}.{k}", body="x")
        start = timezone.now() + timezone.timedelta(days=n + 1)
        session = Session.objects.create(
            title=f"Séance {n}", start=start, end=start + timezone.timedelta(hours=1)
        )
        Registration.objects.create(session=session, user=member, status="confirmed")
    with django_assert_max_num_queries(baseline):
        assert client.get("/mon-espace/").status_code == 200


def test_preferences_page_saves_every_setting(client, team, django_capture_on_commit_callbacks):
    from cafes_cites.models import ReminderOptOut

    member, group = team["member"], team["group"]
    client.force_login(member)
    text = page_text(client.get("/mon-espace/preferences/"))
    assert group.name in text and "rappels des cafés-cités" in text and "bulletin" in text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/mon-espace/preferences/", {f"groupe_{group.pk}": "digest", "bulletin": "on"}
        )
    assert response.status_code == 302
    assert group.memberships.get(user=member).email_mode == EmailMode.DIGEST
    assert ReminderOptOut.objects.filter(user=member).exists()
    assert any("confirm" in m.body.lower() for m in answers_to(member.email))
    bad = client.post("/mon-espace/preferences/", {f"groupe_{group.pk}": "n'importe"})
    assert bad.status_code == 200 and "pas été enregistrées" in page_text(bad)
    assert group.memberships.get(user=member).email_mode == EmailMode.DIGEST


def bulletin_box(client):
    """The bulletin checkbox as the page draws it: (ticked, text of the page)."""
    response = client.get("/mon-espace/preferences/")
    html = response.content.decode()
    tag = html[html.index('name="bulletin"') :]
    return "checked" in tag[: tag.index(">")], page_text(response)


def test_bulletin_subscription_pending_confirmation_is_shown_in_words(
    client, team, django_capture_on_commit_callbacks
):
    import re

    from ressources.models import Subscriber

    member = team["member"]
    group_choice = {f"groupe_{team['group'].pk}": "each"}
    client.force_login(member)
    assert bulletin_box(client)[0] is False
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/mon-espace/preferences/", {**group_choice, "bulletin": "on"})
    (confirmation,) = answers_to(member.email)
    ticked, text = bulletin_box(client)
    assert ticked, "the choice must not look ignored"
    assert f"Confirmation en attente : ouvrez le courriel envoyé à {member.email}" in text
    assert not Subscriber.objects.exists()
    # Saving again while pending sends no second e-mail and says it still waits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/mon-espace/preferences/", {**group_choice, "bulletin": "on"}, follow=True
        )
    assert len(answers_to(member.email)) == 1
    assert "attend toujours votre confirmation" in page_text(response)
    # Unticked: the request is dropped and the page says so.
    response = client.post("/mon-espace/preferences/", group_choice, follow=True)
    assert "Demande d'abonnement au bulletin de veille abandonnée" in page_text(response)
    ticked, text = bulletin_box(client)
    assert not ticked and "Confirmation en attente" not in text
    # Asked again, then confirmed through the e-mail's link: subscribed, no pending words.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/mon-espace/preferences/", {**group_choice, "bulletin": "on"})
    (confirmation,) = answers_to(member.email)
    link = re.search(r"http://\S+/veille/abonnement/\S+/", confirmation.body).group(0)
    client.post(link.removeprefix("http://127.0.0.1:8000"))
    assert Subscriber.objects.active().filter(email=member.email).exists()
    ticked, text = bulletin_box(client)
    assert ticked and "Confirmation en attente" not in text


@pytest.fixture
def open_campaign(anct_user):
    from tests.factories.pilotage import make_campaign, make_indicators

    make_indicators()
    return make_campaign(open_by=anct_user, closes_in=9)


def test_mon_espace_shows_the_cite_questionnaire_due_to_its_team_only(
    client, team, open_campaign, professional, anct_user
):
    from django.utils import timezone

    from pilotage import services as pilotage
    from pilotage.models import Indicator

    coordinator, partner = team["animateur"], team["member"]
    client.force_login(coordinator)
    text = page_text(client.get("/mon-espace/"))
    assert "Questionnaire trimestriel" in text
    assert f"Campagne du {open_campaign.label}" in text and "(dans 9 jours)" in text
    assert "Pas encore commencé" in text and "Remplir le questionnaire" in text
    step = reverse("pilotage:questionnaire", args=[team["cite"].slug, open_campaign.code, 1])
    assert step in client.get("/mon-espace/").content.decode()
    response = pilotage.get_or_create_response(open_campaign, team["cite"])
    text = page_text(client.get("/mon-espace/"))
    assert "Pas encore commencé" in text  # nobody saved anything yet
    response.answers.create(indicator=Indicator.objects.first(), number=1)
    client.force_login(partner)
    text = page_text(client.get("/mon-espace/"))
    assert "Brouillon en cours" in text and "revient au coordinateur" in text
    response.status, response.submitted_at = "submitted", timezone.now()
    response.save()
    client.force_login(coordinator)
    text = page_text(client.get("/mon-espace/"))
    assert "Transmis le" in text and "Voir le pilotage de la cité" in text
    for outsider in (professional, anct_user):
        client.force_login(outsider)
        assert "Questionnaire trimestriel" not in page_text(client.get("/mon-espace/"))


def test_mon_espace_without_an_open_campaign_has_no_questionnaire_block(client, team):
    client.force_login(team["animateur"])
    assert "Questionnaire trimestriel" not in page_text(client.get("/mon-espace/"))


def test_mon_espace_shows_each_unread_item_once(client, team, thread):
    """A notification about a line of "Nouveautés" is that line (with its kind); the others are
    listed under "Mes autres notifications"."""
    member, animateur = team["member"], team["animateur"]
    services.reply(thread, member, body="Je participe.")
    services.reply(thread, animateur, body=f"Merci @{member.display_name}, à jeudi.")
    other = services.create_group(name="Groupe voisin", access="open", animateurs=[animateur])
    services.invite(other, member.email, actor=animateur)
    client.force_login(member)
    response = client.get("/mon-espace/")
    html, text = response.content.decode(), page_text(response)
    assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() >= 3
    for notification in Notification.objects.filter(recipient=member):
        assert html.count(reverse("notifications:open", args=[notification.pk])) == 1, (
            notification.title
        )
    assert "Nouvelle discussion" not in text  # shown as its activity line
    notifications = text[text.index("Mes autres notifications") :]
    assert "vous invite à rejoindre « Groupe voisin »" in notifications
    assert "Sujet" not in notifications


def test_members_tab_links_to_preferences(client, team):
    client.force_login(team["member"])
    text = page_text(client.get(reverse("groups:members", args=[team["group"].slug])))
    assert "/mon-espace/preferences/#groupe-" in text


# --- Cafés-cités: moves and cancellations -----------------------------------------------------


def smtp_parts(message):
    text, html = parts(message)
    (ics,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return text, html, Calendar.from_ical(ics.get_content())


def test_cafe_cite_emails_over_smtp_html_preferences_unsubscribe_and_visio_rule(
    professional, smtp, client, django_capture_on_commit_callbacks
):
    """Registration, move and cancellation e-mails through a real SMTP exchange: the sober HTML
    and text parts of the group notifications, the preferences link, a one-click unsubscribe
    from the reminders; the visio link always in a confirmed registrant's .ics, in the text only
    once the session page would show it (15 minutes before the start); a cancellation says so, points to the upcoming
    cafés-cités and cancels the same UID."""
    from django.utils import timezone

    from cafes_cites import services as cafes
    from cafes_cites.models import ReminderOptOut

    visio = "https://visio.example.org/salle-42"
    start = timezone.now() + timezone.timedelta(days=3)
    session = cafes.Session.objects.create(
        title="Emploi des jeunes",
        start=start,
        end=start + timezone.timedelta(hours=1),
        video_url=visio,
    )
    with django_capture_on_commit_callbacks(execute=True):
        cafes.register(professional, session)
    ((recipients, registered),) = smtp.messages
    assert recipients == [professional.email]
    text, html, calendar = smtp_parts(registered)
    (event,) = calendar.walk("VEVENT")
    uid = str(event["uid"])
    # Three days ahead: the registrant's .ics carries the link (people join from their
    # calendar); the text does not yet, it says the link is in the invitation and when the
    # session page shows it.
    assert visio in str(event["location"]) and visio in str(event["description"])
    assert visio not in text and visio not in html
    assert "15 minutes avant le début" in text and "15 minutes avant le début" in html
    # Said once: the link is in the .ics (walk 1518 found it twice, with the page link twice).
    assert "est dans l'invitation jointe" in text and "contient le lien" not in text
    assert "/mon-espace/preferences/" in text and "/mon-espace/preferences/" in html
    assert html.lstrip().startswith("<!DOCTYPE html>") and "<script" not in html
    assert registered["Auto-Submitted"] == "auto-generated"
    unsubscribe = str(registered["List-Unsubscribe"]).strip().strip("<>")
    assert registered["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text and unsubscribe.replace("&", "&amp;") in html

    # Moved to a start 10 minutes away: the visio window is open, the link is given.
    smtp.messages.clear()
    soon = timezone.now() + timezone.timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        cafes.move_session(session, soon, soon + timezone.timedelta(hours=1))
    ((_, moved),) = smtp.messages
    assert "Nouvel horaire" in moved["Subject"]
    text, html, calendar = smtp_parts(moved)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "REQUEST" and str(event["uid"]) == uid
    assert int(event["sequence"]) == 1
    assert visio in text and visio in html and visio in str(event["location"])
    # It says what changed: the old time too.
    from cafes_cites.recurrence import PARIS

    was = start.astimezone(PARIS)
    for part in (text, html):
        line = next(line for line in part.splitlines() if "Était prévu le" in line)
        assert f"de {was.hour}\u00a0h\u00a0{was:%M} à" in line, line

    # Moved back three days later: the text no longer prints it, the updated .ics keeps it.
    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cafes.move_session(session, start, start + timezone.timedelta(hours=1))
    ((_, moved),) = smtp.messages
    text, html, calendar = smtp_parts(moved)
    (event,) = calendar.walk("VEVENT")
    assert visio not in text and visio not in html and visio in str(event["location"])
    assert "15 minutes avant le début" in text

    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cafes.cancel_session(session)
    ((_, cancelled),) = smtp.messages
    assert "annulé" in cancelled["Subject"]
    text, html, calendar = smtp_parts(cancelled)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "CANCEL" and str(event["uid"]) == uid
    assert int(event["sequence"]) == 3 and str(event["status"]) == "CANCELLED"
    assert "est annulé : il n'aura pas lieu" in text and "est annulé : il n'aura pas lieu" in html
    agenda = "http://127.0.0.1:8000" + reverse("cafes_cites:agenda")
    assert agenda in text and f'href="{agenda}"' in html
    assert session.get_absolute_url() not in text and session.get_absolute_url() not in html
    assert visio not in text and visio not in calendar.to_ical().decode()

    # The mail client's one-click unsubscribe (RFC 8058 POST, no session) stops the reminders.
    assert not ReminderOptOut.objects.filter(user=professional).exists()
    path = unsubscribe.removeprefix("http://127.0.0.1:8000")
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "Rappels des cafés-cités" in page_text(response)
    assert ReminderOptOut.objects.filter(user=professional).exists()

    # The cancelled session's page neither says "inscrit(e)" nor offers the calendar.
    client.force_login(professional)
    page = page_text(client.get(session.get_absolute_url()))
    assert "Cette séance est annulée" in page
    assert "Vous êtes inscrit" not in page and "Ajouter à mon agenda" not in page


def test_reminder_email_has_html_preferences_and_no_early_visio_link(professional, smtp):
    from django.utils import timezone

    from cafes_cites import services as cafes
    from cafes_cites.tasks import send_reminder

    start = timezone.now() + timezone.timedelta(hours=1)
    session = cafes.Session.objects.create(
        title="Bientôt",
        start=start,
        end=start + timezone.timedelta(hours=1),
        video_url="https://visio.example.org/salle-7",
    )
    registration = cafes.Registration.objects.create(
        session=session, user=professional, status="confirmed"
    )
    send_reminder.enqueue(registration.pk, "hour_before")
    ((_, reminder),) = smtp.messages
    text, html = parts(reminder)
    assert "commence dans une heure" in text and "commence dans une heure" in html
    assert "salle-7" not in text and "15 minutes avant le début" in text
    assert "/mon-espace/preferences/" in html and reminder["List-Unsubscribe"]


def test_reminder_opt_out_is_respected(professional):
    from django.utils import timezone

    from cafes_cites import services as cafes

    start = timezone.now() + timezone.timedelta(minutes=30)
    session = cafes.Session.objects.create(
        title="Bientôt", start=start, end=start + timezone.timedelta(hours=1)
    )
    cafes.Registration.objects.create(session=session, user=professional, status="confirmed")
    assert cafes.due_reminders()
    cafes.set_reminders(professional, False)
    assert cafes.due_reminders() == []


# --- Demo outbox -----------------------------------------------------------------------------


OUTBOX_URLS = ["/notifications/courriels-de-demo/"]


@pytest.mark.parametrize("url", OUTBOX_URLS)
def test_outbox_is_404_without_debug(role_client, url):
    response = role_client.get(url)
    assert response.status_code == 404  # anonymous visitors included (walk 16e)


def test_outbox_backend_and_pages_in_debug(role_client, settings, team, thread):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "notifications.outbox.DatabaseEmailBackend"
    from notifications.emails import build_email

    notification = Notification.objects.filter(recipient=team["member"]).first()
    build_email(team["member"], [notification], digest=False).send()
    stored = OutboxEmail.objects.get()
    assert stored.reply_to.startswith("reponse+") and "Texte" in stored.body
    urls = [
        "/notifications/courriels-de-demo/",
        f"/notifications/courriels-de-demo/{stored.pk}/",
        f"/notifications/courriels-de-demo/{stored.pk}/html/",
    ]
    # Anyone else (another cité, ANCT...) sees neither the e-mail nor a trace of it: it carries
    # private group content and the recipient's own reply address.
    listing = role_client.get(urls[0])
    assert listing.status_code == 200
    assert stored.subject not in page_text(listing)
    for url in urls[1:]:
        assert role_client.get(url).status_code == 404
    role_client.force_login(team["member"])
    assert stored.subject in page_text(role_client.get(urls[0]))
    assert role_client.get(urls[1]).status_code == 200
    html = role_client.get(urls[2])
    assert html.status_code == 200
    assert "sandbox" in html["Content-Security-Policy"]
    assert "allow-scripts" not in html["Content-Security-Policy"]
    assert html.content.startswith(b'<base target="_top">')


def test_outbox_lists_the_attachments_and_shows_the_invitation_text(
    client, settings, professional, django_capture_on_commit_callbacks
):
    """A registration e-mail in the demo outbox: its .ics is listed with type and size, and its
    text can be read (METHOD, SEQUENCE, the visio link)."""

    from cafes_cites import services as cafes

    settings.DEBUG = True
    settings.EMAIL_BACKEND = "notifications.outbox.DatabaseEmailBackend"
    session = make_session(title="Emploi des jeunes", video_url="https://visio.example.org/salle-9")
    with django_capture_on_commit_callbacks(execute=True):
        cafes.register(professional, session)
    stored = OutboxEmail.objects.get()
    parsed = email.message_from_string(stored.message, policy=policy.default)
    (ics,) = list(parsed.iter_attachments())
    size = len(ics.get_payload().encode())  # 8bit: kept as text in the stored message
    client.force_login(professional)
    page = client.get(reverse("notifications:outbox_email", args=[stored.pk]))
    text = page_text(page)
    assert "Pièces jointes" in text
    assert f"{ics.get_filename()} (text/calendar" in text
    from django.template.defaultfilters import filesizeformat

    assert f"text/calendar, {filesizeformat(size)})".replace("\xa0", " ") in text.replace(
        "\xa0", " "
    )
    assert "BEGIN:VCALENDAR" in text and "SEQUENCE:0" in text and "salle-9" in text
    assert "Visioconférence" in text and "�" not in text  # accents intact


def test_mon_espace_puts_cafes_and_notifications_before_the_cite_suggestions(client, team):
    """On a phone the columns stack: the short, useful blocks come before « Pour ma cité »."""
    client.force_login(team["member"])
    html = client.get(reverse("espace:home")).content.decode()
    assert 'id="pour-ma-cite-titre"' in html
    assert html.index('id="espace-cafes"') < html.index('id="pour-ma-cite-titre"')
    assert html.index('id="espace-notifications"') < html.index('id="pour-ma-cite-titre"')


def test_anct_reads_demo_emails_sent_to_addresses_without_an_account(client, settings, team):
    """Found in a user walk: an invitation to someone with no account could be read by nobody
    in the demo, so the invitation → sign-up path could not be followed."""
    from django.contrib.auth.models import Group

    from accounts.roles import ANCT_GROUP_NAME

    settings.DEBUG = True
    newcomer = OutboxEmail.objects.create(
        subject="Invitation au groupe", to="nouvelle@exemple.fr", body="Lien d'invitation"
    )
    member_mail = OutboxEmail.objects.create(
        subject="Nouveauté du groupe", to=team["member"].email, body="Contenu du groupe"
    )
    anct = UserFactory()
    anct.groups.add(Group.objects.get_or_create(name=ANCT_GROUP_NAME)[0])
    client.force_login(anct)
    listing = page_text(client.get("/notifications/courriels-de-demo/"))
    assert newcomer.subject in listing and member_mail.subject not in listing
    assert client.get(f"/notifications/courriels-de-demo/{newcomer.pk}/").status_code == 200
    assert client.get(f"/notifications/courriels-de-demo/{member_mail.pk}/").status_code == 404
    client.force_login(team["member"])
    listing = page_text(client.get("/notifications/courriels-de-demo/"))
    assert member_mail.subject in listing and newcomer.subject not in listing
    assert client.get(f"/notifications/courriels-de-demo/{newcomer.pk}/").status_code == 404


# --- IMAP polling -------------------------------------------------------------------------------


class MiniImapHandler:
    """Just enough of IMAP4rev1 (RFC 3501) for imaplib and fetch_email, over a real socket:
    LOGIN, SELECT, UID SEARCH UNSEEN, UID FETCH BODY.PEEK[], UID STORE +FLAGS, EXPUNGE, LOGOUT."""

    def __init__(self, mailbox):
        self.mailbox = mailbox  # uid -> {"raw": bytes, "flags": set}

    def __call__(self, request, client_address, server):
        stream = request.makefile("rwb")
        stream.write(b"* OK IMAP4rev1 ready\r\n")
        stream.flush()
        for line in stream:
            tag, command, *rest = line.decode().rstrip("\r\n").split(" ", 2)
            args = rest[0] if rest else ""
            command = command.upper()
            if command == "UID":
                command, _, args = args.partition(" ")
                command = "UID " + command.upper()
            out = []
            if command == "CAPABILITY":
                out.append(b"* CAPABILITY IMAP4rev1")
            elif command == "SELECT":
                out.append(f"* {len(self.mailbox)} EXISTS".encode())
            elif command == "UID SEARCH":
                unseen = [str(u) for u, m in self.mailbox.items() if "\\Seen" not in m["flags"]]
                out.append(("* SEARCH " + " ".join(unseen)).strip().encode())
            elif command == "UID FETCH":
                uid = int(args.split(" ")[0])
                raw = self.mailbox[uid]["raw"]
                out.append(f"* {uid} FETCH (UID {uid} BODY[] {{{len(raw)}}}".encode())
                out[-1] += b"\r\n" + raw + b")"
            elif command == "UID STORE":
                uid, _, flags = args.split(" ", 2)
                self.mailbox[int(uid)]["flags"].update(flags.strip("()").split())
            elif command == "EXPUNGE":
                for uid in [u for u, m in self.mailbox.items() if "\\Deleted" in m["flags"]]:
                    del self.mailbox[uid]
            elif command == "LOGOUT":
                out.append(b"* BYE")
            for item in out:
                stream.write(item + b"\r\n")
            stream.write(f"{tag} OK {command} completed\r\n".encode())
            stream.flush()
            if command == "LOGOUT":
                return


@pytest.fixture
def imap_server(settings):
    import socketserver
    import threading

    mailbox = {}
    handler = MiniImapHandler(mailbox)
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.IMAP_HOST, settings.IMAP_PORT = server.server_address
    settings.IMAP_USE_SSL = False
    settings.IMAP_USER, settings.IMAP_PASSWORD = "reponses", "secret"
    settings.IMAP_DELETE_AFTER = True
    yield mailbox
    server.shutdown()
    server.server_close()


def test_fetch_email_polls_imap_and_posts_once(team, thread, imap_server, monkeypatch):
    member = team["member"]
    address = reply_address(member, thread)
    imap_server[1] = {"raw": reply_message(member.email, address, "Par IMAP"), "flags": set()}
    imap_server[2] = {
        "raw": reply_message(
            member.email, address, "Absent", headers={"Auto-Submitted": "auto-replied"}
        ),
        "flags": set(),
    }
    out = io.StringIO()
    call_command("fetch_email", stdout=out)
    assert "2 messages traités." in out.getvalue()
    assert [p.body_html for p in Post.objects.filter(is_opening=False)] == ["<p>Par IMAP</p>"]
    assert imap_server == {}  # seen, deleted, expunged
    call_command("fetch_email", stdout=out)
    assert Post.objects.filter(is_opening=False).count() == 1


# --- Trailing signatures without delimiter (walk findings) -------------------------------------

SIGNED_REPLIES = {
    "name_title_phone_url": (
        "Merci\n\nJeanne Martin\nCoordinatrice Cité de l'emploi de Saint-Omer\n03 21 00 00 00\n"
        "www.ville.fr\n",
        "Merci",
    ),
    "name_service_address_mail": (
        "Je serai présente jeudi, je prends les clés de la salle.\n\nJ. MARTIN\n"
        "Direction de l'emploi et de l'insertion\n12 rue de la Paix\n62500 Saint-Omer\n"
        "jeanne.martin@ville.fr\n",
        "Je serai présente jeudi, je prends les clés de la salle.",
    ),
    "name_and_job_title_only": (
        "Bonjour,\n\nLe compte rendu est en pièce jointe du groupe.\n\nJeanne Martin\n"
        "Chargée de mission insertion\nTél. : +33 3 21 00 00 00\n",
        "Bonjour,\n\nLe compte rendu est en pièce jointe du groupe.",
    ),
}

KEPT_REPLIES = {
    # A block without the sender's name: someone else's contact, given on purpose.
    "another_persons_contact": (
        "Voici le référent mobilité.\n\nPaul Durand\nFrance Travail\n06 11 22 33 44\n"
    ),
    # Introduced by a colon: the sender shares her details on purpose.
    "own_details_introduced": (
        "Pour me joindre cette semaine :\n\nJeanne Martin\n06 11 22 33 44\n"
    ),
    # Prose in the last block, even with her name and a phone number.
    "prose_last_block": (
        "Merci pour le lien.\n\nJeanne Martin vous rappellera demain.\n03 21 00 00 00\n"
    ),
    "long_lines": (
        "D'accord.\n\nJeanne Martin\nnous avons revu le planning et la réunion des partenaires "
        "aura lieu dans la grande salle\n"
    ),
    "too_many_lines": (
        "Merci\n\nJeanne Martin\nCoordinatrice\nVille\nService emploi\nMairie\nAnnexe\n"
        "03 21 00 00 00\n"
    ),
    "single_block": "Jeanne Martin\nCoordinatrice\n03 21 00 00 00\n",
    "first_name_only": "Parfait, à jeudi.\n\nJeanne\n",
}


@pytest.mark.parametrize("case", SIGNED_REPLIES)
def test_trailing_signature_without_delimiter_is_stripped(case):
    from espace.inbound import strip_trailing_signature

    text, expected = SIGNED_REPLIES[case]
    assert strip_trailing_signature(text, ("Jeanne", "Martin")) == expected


@pytest.mark.parametrize("case", KEPT_REPLIES)
def test_trailing_block_that_is_not_a_signature_is_kept(case):
    from espace.inbound import strip_trailing_signature

    text = KEPT_REPLIES[case]
    assert strip_trailing_signature(text, ("Jeanne", "Martin")) == text


def test_reply_by_email_drops_the_senders_signature_block(team, thread, monkeypatch):
    member = team["member"]  # Marc Membre
    text = (
        "Merci, je transmets aux employeurs.\n\nMarc Membre\nConseiller entreprises\n"
        "France Travail Saint-Omer\n03 21 00 00 00\nwww.francetravail.fr\n"
    )
    receive_email(reply_message(member.email, reply_address(member, thread), text), monkeypatch)
    body = Post.objects.get(is_opening=False).body_html
    assert "je transmets aux employeurs" in body
    assert "03 21" not in body and "Conseiller" not in body and "francetravail" not in body


def test_html_only_reply_with_script_gives_back_the_text_without_the_script(
    team, thread, monkeypatch
):
    """Walk 1518: the text given back read « alert(1)Merci »."""
    member = team["member"]
    message = EmailMessage()
    message["From"] = member.email
    message["To"] = reply_address(member, thread)
    message["Subject"] = "Re: notification"
    message["Message-ID"] = email.utils.make_msgid(domain="example.org")
    message.set_content(
        "<p>Voici le lien vers l'inscription.</p><script>alert(1)</script>"
        "<style>p {color: red}</style><p>Merci</p>",
        subtype="html",
    )
    mail.outbox.clear()
    receive_email(message.as_bytes(), monkeypatch)
    assert_refused(member.email, "active_html", "script ou formulaire")
    (answer,) = answers_to(member.email)
    assert "> Voici le lien vers l'inscription.\n>\n> Merci" in answer.body
    assert "alert" not in answer.body and "color" not in answer.body


def test_group_replies_without_an_activity_line_go_with_the_group_news(client, team, thread):
    """Walk 1518: five identical « … a répondu à … » lines, without group or date, under « Mes
    autres notifications »."""
    member, animateur = team["member"], team["animateur"]
    services.reply(thread, member, body="Je participe.")
    Membership.objects.filter(user=member).update(last_seen_at=timezone.now())
    for n in range(3):
        services.reply(thread, animateur, body=f"Réponse {n}")
    Notification.objects.filter(recipient=member, kind="reply").update(url="/ailleurs/")
    (title,) = set(
        Notification.objects.filter(recipient=member, kind="reply").values_list("title", flat=True)
    )
    client.force_login(member)
    text = " ".join(strip_tags(page_text(client.get("/mon-espace/"))).split())
    news = text[text.index("Nouveautés de mes groupes") : text.index("Mes autres notifications")]
    assert f"{title} (3 fois) — {team['group'].name}" in news
    assert title not in text[text.index("Mes autres notifications") :]
    assert re.search(r"à \d{1,2} h \d\d", news)
