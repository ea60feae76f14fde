"""Cafés-cités: recurrence across DST, numbering, registration and waiting list, calendars,
reminders, pages for every role, admin, theme section and demo."""

import datetime

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cafes_cites import services
from cafes_cites.models import (
    CalendarToken,
    ChatMessage,
    Registration,
    RegistrationStatus,
    ReminderKind,
    ReminderSent,
    Session,
    Speaker,
)
from cafes_cites.recurrence import occurrence_start
from tests.factories import UserFactory
from tests.factories.cafes_cites import PARIS, make_series, make_session, paris
from tests.utils import page_text
from themes.models import Theme

# --- Recurrence and generation --------------------------------------------------------------


def test_recurrence_keeps_the_wall_clock_time_across_both_dst_changes():
    # 13 March 2026 (CET) → 3 April (CEST, after 29 March) → … → 6 November (CET, after 25 Oct).
    starts = [
        occurrence_start(datetime.date(2026, 3, 13), datetime.time(10, 0), 3, index)
        for index in range(12)
    ]
    assert {start.astimezone(PARIS).strftime("%H:%M") for start in starts} == {"10:00"}
    utc_hours = [start.astimezone(datetime.UTC).hour for start in starts]
    assert utc_hours[0] == 9  # CET
    assert utc_hours[1] == 8  # CEST
    assert utc_hours[-1] == 9  # CET again in November
    # Real elapsed time is 3 weeks minus an hour across the spring change: no 21 × 24 h drift.
    utc = [start.astimezone(datetime.UTC) for start in starts]
    assert utc[1] - utc[0] == datetime.timedelta(weeks=3, hours=-1)


def test_generation_numbers_sessions_at_10_paris_across_dst():
    series = make_series(upcoming_count=13)  # 13 March → 20 November 2026
    created = services.generate_upcoming_sessions(series, now=paris(2026, 3, 1))
    assert [s.number for s in created] == list(range(18, 31))
    for session in Session.objects.all():
        assert session.local_start.strftime("%H:%M") == "10:00"
        assert session.end - session.start == datetime.timedelta(hours=1)
    assert Session.objects.filter(start__month=11).exists()


def test_generation_is_idempotent_and_keeps_numbers_of_moved_and_cancelled_sessions():
    series = make_series()
    first = services.generate_upcoming_sessions(series, now=paris(2026, 3, 1))
    assert [s.number for s in first] == [18, 19, 20, 21]
    assert services.generate_upcoming_sessions(series, now=paris(2026, 3, 1)) == []
    moved = first[1]
    services.move_session(
        moved, moved.start + datetime.timedelta(days=2), moved.end + datetime.timedelta(days=2)
    )
    services.cancel_session(first[2])
    # Time passes: one more slot becomes due; the numbering continues after the highest.
    later = services.generate_upcoming_sessions(series, now=paris(2026, 3, 20))
    assert [s.number for s in later] == [22]
    assert Session.objects.get(pk=moved.pk).number == 19
    assert Session.objects.get(pk=first[2].pk).number == 20
    assert Session.objects.filter(series=series).count() == 5


def test_generation_command_is_idempotent():
    make_series(first_date=timezone.localdate() + datetime.timedelta(days=1))
    call_command("generate_cafes_cites")
    count = Session.objects.count()
    assert count == 4
    call_command("generate_cafes_cites")
    assert Session.objects.count() == count


def test_one_off_session_has_no_series_and_no_number():
    session = make_session(title="Webinaire mobilité")
    assert session.series is None and session.number is None
    assert session.label == "Webinaire mobilité"


def test_status_is_derived_from_time_unless_cancelled():
    session = make_session(start=paris(2026, 5, 4))
    assert session.status_at(paris(2026, 5, 4, 9)) == "a_venir"
    assert session.status_at(paris(2026, 5, 4, 10, 30)) == "en_cours"
    assert session.status_at(paris(2026, 5, 4, 12)) == "termine"
    session.is_cancelled = True
    assert session.status_at(paris(2026, 5, 4, 10, 30)) == "annule"


def test_move_and_cancel_bump_the_calendar_sequence():
    session = make_session()
    assert session.sequence == 0
    session.description = "<p>Nouvelle description</p>"
    session.save()
    assert session.sequence == 0
    services.move_session(
        session,
        session.start + datetime.timedelta(hours=1),
        session.end + datetime.timedelta(hours=1),
    )
    assert Session.objects.get(pk=session.pk).sequence == 1
    services.cancel_session(Session.objects.get(pk=session.pk))
    assert Session.objects.get(pk=session.pk).sequence == 2


# --- Registration ---------------------------------------------------------------------------


def test_capacity_waiting_list_and_promotion(django_capture_on_commit_callbacks):
    session = make_session(capacity=2)
    users = [UserFactory() for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [services.register(user, session).status for user in users]
    assert statuses == ["confirmed", "confirmed", "waiting", "waiting"]
    assert len(mail.outbox) == 4
    assert "Liste d'attente" in mail.outbox[2].subject
    assert services.register(users[0], session).status == "confirmed"  # no duplicate
    assert Registration.objects.count() == 4
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.unregister(users[0], session)
    assert promoted.user == users[2]
    assert Registration.objects.get(user=users[2]).status == "confirmed"
    assert Registration.objects.get(user=users[3]).status == "waiting"
    # The one who left gets the cancellation of their invitation, the promoted one theirs.
    assert [m.to for m in mail.outbox] == [[users[0].email], [users[2].email]]
    # A waiting person leaving promotes nobody.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.unregister(users[3], session) is None
    assert Registration.objects.filter(status="confirmed").count() == 2


def test_registration_email_carries_a_valid_ics(django_capture_on_commit_callbacks, professional):
    session = make_session()
    with django_capture_on_commit_callbacks(execute=True):
        services.register(professional, session)
    (message,) = mail.outbox
    assert "Inscription confirmée" in message.subject
    filename, content, mimetype = message.attachments[0]
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["UID"]) == f"cafe-cite-{session.pk}@127.0.0.1"
    assert event.decoded("DTSTART") == session.start
    # With no animation mailbox configured, the sender's address organises the event.
    assert str(event["ORGANIZER"]) == "mailto:ne-pas-repondre@cites-emploi.anct.gouv.fr"


def test_calendar_organiser_is_the_animation_team_mailbox_when_configured(
    django_capture_on_commit_callbacks, professional, settings
):
    settings.CAFES_CITES_ORGANIZER_EMAIL = "animation@cites-emploi.example"
    session = make_session()
    with django_capture_on_commit_callbacks(execute=True):
        services.register(professional, session)
    (message,) = mail.outbox
    event = icalendar.Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]
    assert str(event["ORGANIZER"]) == "mailto:animation@cites-emploi.example"
    assert event["ORGANIZER"].params["CN"] == "Équipe d'animation des cités de l'emploi (ANCT)"


def test_unregistering_asks_first_then_sends_a_calendar_cancellation(
    client, professional, django_capture_on_commit_callbacks
):
    """Walk 1518: one click cancelled without a word, and the event stayed in the calendar."""
    session = make_session(video_url="https://visio.example/abc")
    with django_capture_on_commit_callbacks(execute=True):
        services.register(professional, session)
    (invitation,) = mail.outbox
    invited = icalendar.Calendar.from_ical(invitation.attachments[0][1])
    invited_event = invited.walk("VEVENT")[0]
    # Paris times with their time zone, not UTC.
    assert invited_event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert invited.walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"
    assert invited_event.decoded("DTSTART") == session.start
    assert invitation.body.count(session.get_absolute_url()) == 1
    assert invitation.body.count("visioconférence") == 1
    client.force_login(professional)
    page = client.get(session.get_absolute_url()).content.decode()
    url = reverse("cafes_cites:unregister", args=[session.pk])
    assert f'href="{url}"' in page
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Annuler votre inscription ?" in page_text(confirm)
    assert Registration.objects.filter(user=professional).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert not Registration.objects.filter(user=professional).exists()
    assert page_text(response).count("Votre inscription est annulée") == 1
    (message,) = mail.outbox
    assert message.subject == f"[Cités de l'emploi] Inscription annulée : {session.label}"
    assert not message.body.startswith("=")
    _filename, content, mimetype = message.attachments[0]
    assert mimetype == "text/calendar; charset=utf-8; method=CANCEL"
    calendar = icalendar.Calendar.from_ical(content)
    assert str(calendar["METHOD"]) == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == str(invited_event["UID"])
    assert event["SEQUENCE"] == invited_event["SEQUENCE"] + 1
    assert str(event["STATUS"]) == "CANCELLED" and "visio.example" not in str(content)
    # Without a registration, the confirmation page sends back to the session.
    assert client.get(url).status_code == 302


def test_no_registration_to_past_or_cancelled_sessions(professional):
    past = make_session(start=timezone.now() - datetime.timedelta(days=2))
    with pytest.raises(services.RegistrationError):
        services.register(professional, past)
    cancelled = make_session(is_cancelled=True)
    with pytest.raises(services.RegistrationError):
        services.register(professional, cancelled)
    assert not Registration.objects.exists()


def test_register_and_unregister_views(client, professional):
    session = make_session(capacity=1)
    url = reverse("cafes_cites:register", args=[session.pk])
    assert client.post(url).status_code == 302  # to login
    assert not Registration.objects.exists()
    client.force_login(professional)
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "Votre inscription est confirmée" in page_text(response)
    other = UserFactory()
    client.force_login(other)
    response = client.post(url, follow=True)
    assert "vous êtes sur la liste d'attente" in page_text(response)
    assert "Liste d'attente (position 1)" in page_text(response)
    client.force_login(professional)
    client.post(reverse("cafes_cites:unregister", args=[session.pk]))
    assert Registration.objects.get().user == other
    assert Registration.objects.get().status == "confirmed"


def test_video_link_only_for_registered_near_the_start(client, professional):
    session = make_session(
        start=timezone.now() + datetime.timedelta(hours=2), video_url="https://visio.example/abc"
    )
    url = session.get_absolute_url()
    client.force_login(professional)
    assert "visio.example" not in page_text(client.get(url))
    Registration.objects.create(session=session, user=professional, status="confirmed")
    response = client.get(url)
    assert "visio.example" not in page_text(response)
    assert "apparaîtra ici 15 minutes avant" in page_text(response)
    session.start = timezone.now() + datetime.timedelta(minutes=10)
    session.end = session.start + datetime.timedelta(hours=1)
    session.save()
    assert "https://visio.example/abc" in page_text(client.get(url))
    client.force_login(UserFactory())  # not registered
    assert "visio.example" not in page_text(client.get(url))
    client.logout()
    assert "visio.example" not in page_text(client.get(url))


# --- Calendars ------------------------------------------------------------------------------


def _events(response):
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    return calendar.walk("VEVENT")


def test_session_ics_round_trips_and_cancellation_updates_the_same_uid(client):
    session = make_session(title="Mobilité")
    url = reverse("cafes_cites:session_ics", args=[session.pk])
    (event,) = _events(client.get(url))
    uid = str(event["UID"])
    assert event["SEQUENCE"] == 0 and str(event["STATUS"]) == "CONFIRMED"
    assert "Mobilité" in str(event["SUMMARY"])
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(hours=1)
    for required in ("DTSTAMP", "UID", "DTSTART"):
        assert required in event
    services.move_session(
        session,
        session.start + datetime.timedelta(days=1),
        session.end + datetime.timedelta(days=1),
    )
    (moved,) = _events(client.get(url))
    assert str(moved["UID"]) == uid and moved["SEQUENCE"] == 1
    services.cancel_session(Session.objects.get(pk=session.pk))
    (cancelled,) = _events(client.get(url))
    assert str(cancelled["UID"]) == uid and cancelled["SEQUENCE"] == 2
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_public_feed_lists_all_sessions(client):
    make_session(title="Un")
    make_session(title="Deux", is_cancelled=True)
    events = _events(client.get(reverse("cafes_cites:feed")))
    assert len(events) == 2
    assert {str(e["STATUS"]) for e in events} == {"CONFIRMED", "CANCELLED"}


def test_private_feed_by_token(client, professional):
    mine = make_session(title="La mienne")
    make_session(title="Pas la mienne")
    Registration.objects.create(session=mine, user=professional, status="confirmed")
    assert client.post(reverse("cafes_cites:regenerate_token")).status_code == 302
    assert not CalendarToken.objects.exists()
    client.force_login(professional)
    client.post(reverse("cafes_cites:regenerate_token"))
    token = CalendarToken.objects.get(user=professional).token
    assert token in page_text(client.get(reverse("cafes_cites:agenda")))
    client.logout()  # calendar apps send no cookie: the token is the credential
    url = reverse("cafes_cites:my_feed", args=[token])
    events = _events(client.get(url))
    assert [str(e["SUMMARY"]) for e in events] == ["La mienne"]
    client.force_login(professional)
    client.post(reverse("cafes_cites:regenerate_token"))
    assert client.get(url).status_code == 404  # the old URL is revoked
    assert client.get(reverse("cafes_cites:my_feed", args=["inconnu"])).status_code == 404


# --- Reminders ------------------------------------------------------------------------------


def test_reminders_are_sent_once_the_day_before_and_one_hour_before(professional):
    now = timezone.now()
    session = make_session(start=now + datetime.timedelta(hours=20))
    registration = Registration.objects.create(
        session=session, user=professional, status="confirmed"
    )
    waiting = Registration.objects.create(session=session, user=UserFactory(), status="waiting")
    assert services.due_reminders(now) == [(registration.pk, "day_before")]
    call_command("send_cafe_cite_reminders")
    call_command("send_cafe_cite_reminders")
    assert len(mail.outbox) == 1
    assert "la veille" in mail.outbox[0].subject
    assert mail.outbox[0].to == [professional.email]
    # One hour before: the second reminder, once.
    an_hour_before = session.start - datetime.timedelta(minutes=50)
    assert services.due_reminders(an_hour_before) == [(registration.pk, "hour_before")]
    services.enqueue_due_reminders(an_hour_before)
    services.enqueue_due_reminders(an_hour_before)
    assert len(mail.outbox) == 2
    assert "une heure avant" in mail.outbox[1].subject
    assert ReminderSent.objects.filter(registration=registration).count() == 2
    assert not ReminderSent.objects.filter(registration=waiting).exists()


def test_a_reminder_task_run_twice_sends_once(professional):
    from cafes_cites.tasks import send_reminder

    session = make_session(start=timezone.now() + datetime.timedelta(minutes=30))
    registration = Registration.objects.create(
        session=session, user=professional, status="confirmed"
    )
    send_reminder.enqueue(registration.pk, ReminderKind.HOUR_BEFORE.value)
    send_reminder.enqueue(registration.pk, ReminderKind.HOUR_BEFORE.value)
    assert len(mail.outbox) == 1


def test_no_reminder_for_cancelled_sessions(professional):
    session = make_session(start=timezone.now() + datetime.timedelta(minutes=30), is_cancelled=True)
    Registration.objects.create(session=session, user=professional, status="confirmed")
    assert services.due_reminders() == []


# --- Pages for every role -------------------------------------------------------------------


@pytest.fixture
def sessions():
    mobilite = Theme.objects.get(slug="mobilite")
    upcoming = make_session(title="Prochain café mobilité", number=18)
    upcoming.themes.set([mobilite])
    upcoming.save()
    Speaker.objects.create(session=upcoming, name="Camille Martin", cite_name="Cité de Pau")
    other = make_session(title="Prochain café logement")
    past = make_session(
        start=timezone.now() - datetime.timedelta(days=30),
        title="Café passé",
        replay_url="https://replay.example/17",
        compte_rendu="<p>Compte-rendu <strong>détaillé</strong></p>",
    )
    live = make_session(start=timezone.now() - datetime.timedelta(minutes=5), title="En direct")
    return {"upcoming": upcoming, "other": other, "past": past, "live": live}


def test_agenda_for_each_role(role_client, sessions):
    response = role_client.get(reverse("cafes_cites:agenda"))
    assert response.status_code == 200
    text = page_text(response)
    assert text.index("Prochain café mobilité") < text.index("Café passé")
    assert "Café-cité #18 — Prochain café mobilité" in text
    assert "Camille Martin (Cité de Pau)" in text
    assert ("Obtenir le lien de mon calendrier personnel" in text) == (
        role_client.role != "anonymous"
    )


def test_agenda_filters_by_theme(client, sessions):
    text = page_text(client.get(reverse("cafes_cites:agenda") + "?theme=mobilite"))
    assert "Prochain café mobilité" in text and "Prochain café logement" not in text
    text = page_text(client.get(reverse("cafes_cites:agenda") + "?theme=inconnu"))
    assert "Ce champ d'action n'existe pas" in text and "Prochain café logement" in text


def test_past_sessions_pagination_keeps_the_theme_filter(client):
    """Every page link of the past sessions carries the theme; page 2 lists the rest of the
    filtered sessions only, each exactly once, even when several start at the same time."""
    from cafes_cites.views import PAST_PAGE_SIZE

    mobilite, logement = Theme.objects.get(slug="mobilite"), Theme.objects.get(slug="logement")
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=60)
    for index in range(PAST_PAGE_SIZE + 3):
        # Sessions two by two at the same start: the order must still be total.
        session = make_session(
            start=start + datetime.timedelta(days=index // 2), title=f"Mobilité passée {index:02}"
        )
        session.themes.set([mobilite])
        session.save()  # ParentalManyToManyField: saved with the session
    for index in range(4):
        session = make_session(start=start, title=f"Logement passé {index}")
        session.themes.set([logement])
        session.save()
    url = reverse("cafes_cites:agenda")
    first = page_text(client.get(url + "?theme=mobilite"))
    assert "?theme=mobilite&page=2" in first
    assert "?page=2" not in first
    second = page_text(client.get(url + "?theme=mobilite&page=2"))
    assert f'href="{url}?theme=mobilite"' in second  # page 1 is the list's own address
    assert "Logement passé" not in first + second
    shown = [
        f"Mobilité passée {index:02}"
        for index in range(PAST_PAGE_SIZE + 3)
        if f"Mobilité passée {index:02}" in first
    ] + [
        f"Mobilité passée {index:02}"
        for index in range(PAST_PAGE_SIZE + 3)
        if f"Mobilité passée {index:02}" in second
    ]
    assert sorted(shown) == [f"Mobilité passée {index:02}" for index in range(PAST_PAGE_SIZE + 3)]
    # The filter form starts again from page 1 (no stale page parameter).
    assert 'name="page"' not in second


@pytest.mark.parametrize("which", ["upcoming", "past", "live"])
def test_session_page_for_each_role(role_client, sessions, which):
    session = sessions[which]
    response = role_client.get(session.get_absolute_url())
    assert response.status_code == 200
    text = page_text(response)
    anonymous = role_client.role == "anonymous"
    assert session.title in text
    if which == "past":
        assert "https://replay.example/17" in text
        assert "Compte-rendu <strong>détaillé</strong>" in response.content.decode()
        assert ("Archive du chat" in text) != anonymous
        assert "data-chat-url" not in text
    else:
        assert ("data-chat-url" in text) != anonymous
        assert (f'data-chat-url="/ws/cafes-cites/{session.pk}/chat/"' in text) != anonymous
        assert ("S'inscrire" in text) != anonymous


def test_session_page_of_missing_session_is_404(role_client):
    assert role_client.get(reverse("cafes_cites:session", args=[999999])).status_code == 404
    assert role_client.get(reverse("cafes_cites:session_ics", args=[999999])).status_code == 404


def test_calendar_urls_for_each_role(role_client, sessions):
    assert role_client.get(reverse("cafes_cites:feed")).status_code == 200
    url = reverse("cafes_cites:session_ics", args=[sessions["past"].pk])
    assert role_client.get(url).status_code == 200
    assert role_client.get(reverse("cafes_cites:my_feed", args=["x" * 40])).status_code == 404
    expected = 302
    assert role_client.post(reverse("cafes_cites:regenerate_token")).status_code == expected


def test_registration_urls_for_each_role(role_client, sessions):
    session = sessions["upcoming"]
    response = role_client.post(reverse("cafes_cites:register", args=[session.pk]))
    assert response.status_code == 302
    registered = Registration.objects.filter(session=session).exists()
    assert registered != (role_client.role == "anonymous")
    response = role_client.post(reverse("cafes_cites:unregister", args=[session.pk]))
    assert response.status_code == 302
    assert not Registration.objects.filter(session=session).exists()
    assert role_client.post(reverse("cafes_cites:register", args=[999999])).status_code in (
        302,
        404,
    )


def test_chat_archive_after_the_session(client, sessions, professional):
    past = sessions["past"]
    ChatMessage.objects.create(
        session=past, room_id=1, author=professional, body="x", body_html="<p>Merci à tous</p>"
    )
    ChatMessage.objects.create(
        session=past,
        room_id=2,
        author=professional,
        body="y",
        body_html="<p>Message supprimé</p>",
        deleted_at=timezone.now(),
    )
    client.force_login(professional)
    text = page_text(client.get(past.get_absolute_url()))
    assert "Merci à tous" in text and "Message supprimé" not in text


def test_cancelled_session_page(client):
    session = make_session(is_cancelled=True)
    text = page_text(client.get(session.get_absolute_url()))
    assert "Séance annulée" in text and "S'inscrire" not in text


def test_theme_page_shows_cafes_cites(client, sessions):
    text = page_text(client.get(reverse("themes:detail", args=["mobilite"])))
    assert "Cafés-cités sur ce champ d'action" in text
    assert "Prochain café mobilité" in text


def test_anct_edits_sessions_in_the_admin(client, anct_user, professional):
    session = make_session()
    client.force_login(anct_user)
    for url in (
        "/admin/snippets/cafes_cites/session/",
        f"/admin/snippets/cafes_cites/session/edit/{session.pk}/",
        "/admin/snippets/cafes_cites/series/add/",
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(professional)  # no admin rights: a French refusal, not a redirect loop
    assert client.get("/admin/snippets/cafes_cites/session/").status_code == 403


# --- Demo -----------------------------------------------------------------------------------


def test_demo_builder_is_idempotent_and_has_a_live_session():
    with override_settings(DEBUG=True):
        call_command("load_demo")
        counts = (Session.objects.count(), ChatMessage.objects.count())
        call_command("load_demo")
    assert (Session.objects.count(), ChatMessage.objects.count()) == counts
    s13 = Session.objects.get(number=13)
    assert s13.local_start.date() == datetime.date(2021, 10, 1)
    assert list(s13.themes.values_list("slug", flat=True)) == ["competences-numeriques"]
    s17 = Session.objects.get(number=17)
    assert s17.local_start.date() == datetime.date(2022, 1, 10)
    assert list(s17.themes.values_list("slug", flat=True)) == ["mobilite"]
    live = [s for s in Session.objects.all() if s.status == "en_cours"]
    assert len(live) == 1 and live[0].chat_is_open()
    assert Session.objects.filter(number__gt=17, start__gt=timezone.now()).count() == 4
    assert Registration.objects.filter(
        session=live[0], status=RegistrationStatus.CONFIRMED
    ).exists()


def test_unanswered_question_becomes_an_operateurs_thread(
    client, sessions, professional, anct_user
):
    from groups import services as group_services
    from groups.models import Role, Thread

    past = sessions["past"]
    question = ChatMessage.objects.create(
        session=past,
        room_id=1,
        author=professional,
        body="Comment financer la garde ?",
        body_html="<p>Comment financer la garde d'enfants ?</p>",
        is_question=True,
    )
    url = reverse("cafes_cites:promote_question", args=[past.pk, question.pk])
    client.force_login(professional)
    assert client.post(url).status_code == 403  # not an animateur
    client.force_login(anct_user)
    response = client.post(url)  # not yet in the Opérateurs group: refused, nothing created
    assert response.status_code == 302 and not Thread.objects.exists()
    group_services.add_member(
        group_services.ensure_national_group(), anct_user, role=Role.ANIMATEUR
    )
    page = page_text(client.get(past.get_absolute_url()))
    assert "Ouvrir une discussion dans le groupe Opérateurs" in page
    response = client.post(url)
    thread = Thread.objects.get()
    assert response["Location"] == thread.get_absolute_url()
    assert thread.group.slug == group_services.NATIONAL_GROUP_SLUG
    assert "Comment financer la garde" in thread.posts.get().body_html
    question.refresh_from_db()
    assert question.thread_url == thread.get_absolute_url()
    client.post(url)  # once per question
    assert Thread.objects.count() == 1
    assert "Discussion ouverte dans le groupe Opérateurs" in page_text(
        client.get(past.get_absolute_url())
    )
