"""Demo cafés-cités: the real #13 and #17 (data.CAFES_CITES), the next sessions of the series and
one session running right now, so the live chat can be tried. Idempotent."""

import datetime
import uuid

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from cafes_cites.chat.services import store_imported_message
from cafes_cites.models import (
    ChatMessage,
    Registration,
    RegistrationStatus,
    Series,
    Session,
    Speaker,
)
from cafes_cites.recurrence import PARIS
from cafes_cites.services import generate_upcoming_sessions
from cde_site.demo import data
from commons.html import plain_text_to_html
from themes.models import Theme

SERIES_TITLE = "Café-cité du réseau des cités de l'emploi"
LIVE_TITLE = "Webinaire — Santé, handicap et retour à l'emploi (séance de démonstration)"
DEMO_NAMESPACE = uuid.UUID("6f1c1c2e-0d55-4a57-9d0e-0c0ffee0cafe")

COMPTES_RENDUS = {
    13: (
        "<p>Les participants ont passé en revue les outils de l'inclusion numérique mobilisables "
        "par les cités : Aidants Connect pour accompagner les démarches, le Pass numérique pour "
        "financer des formations, les conseillers numériques France Services.</p>"
        "<ul><li>Repérer les publics éloignés du numérique dès le premier rendez-vous.</li>"
        "<li>S'appuyer sur les lieux de médiation numérique du territoire.</li></ul>"
    ),
    17: (
        "<p>Les échanges ont porté sur les freins à la mobilité des habitants des quartiers et "
        "sur les leviers repérés par l'ANCT : sensibilisation, aides au permis, microcrédit, "
        "véhicules à tarif social et plates-formes de mobilité.</p>"
    ),
}

ARCHIVE_17 = [
    ("amandine.leroy", "Chez nous, la plate-forme mobilité prête des scooters pour trois mois."),
    ("mathieu.giraud", "Est-ce que le microcrédit permis est ouvert aux moins de 25 ans ?"),
    ("anct", "Oui, sous conditions de ressources : la fiche dispositif détaille les critères."),
]
LIVE_MESSAGES = [
    ("anct", "Bienvenue à toutes et à tous ! La séance commence, posez vos questions ici."),
    ("claire.etcheverry", "Bonjour depuis Pau ! Nous avons un référent santé au sein de la cité."),
]


def _user(prefix):
    return User.objects.filter(email__startswith=f"{prefix}@", is_demo=True).first()


def _chat(session, messages, start):
    for position, (prefix, body) in enumerate(messages, start=1):
        author = _user(prefix)
        if author is None:
            continue
        client_id = uuid.uuid5(DEMO_NAMESPACE, f"{session.pk}-{position}")
        if ChatMessage.objects.filter(session=session, client_id=client_id).exists():
            continue
        message = ChatMessage(
            session=session,
            author=author,
            client_id=client_id,
            body=body,
            body_html=plain_text_to_html(body),
            is_question=body.endswith("?"),
            created_at=start + datetime.timedelta(minutes=5 * position),
        )
        store_imported_message(message)


# The recording of #17 went online after the last bulletin sent (n° 314, 9 April 2024): composing
# the next bulletin proposes it (ressources.composition, cde_site.demo.ressources).
REPLAY_17_ONLINE = datetime.datetime(2024, 4, 16, 14, 0, tzinfo=PARIS)


def _put_replay_online(session, when):
    session.replay_url = f"https://video.example.org/cafes-cites/{session.number}"
    session.save()
    Session.objects.filter(pk=session.pk).update(replay_published_at=when)


def build_cafes_cites(home):
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    series, _ = Series.objects.update_or_create(
        title=SERIES_TITLE,
        defaults={
            "description": (
                "Une heure en visioconférence, toutes les trois semaines, pour partager les "
                "actions inspirantes des cités de l'emploi."
            ),
            # Three weeks after #17: the series' slots run from there.
            "first_date": datetime.date(2022, 1, 31),
            "local_time": datetime.time(10, 0),
            "interval_weeks": 3,
            "duration_minutes": 60,
            "first_number": 18,
            "upcoming_count": 4,
            "default_capacity": 100,
            "default_video_url": "https://webinaire.numerique.gouv.fr/",
        },
    )
    for item in data.CAFES_CITES:
        start = datetime.datetime.combine(item["date"], datetime.time(10, 0), tzinfo=PARIS)
        session, _ = Session.objects.update_or_create(
            series=series,
            number=item["number"],
            defaults={
                "title": item["title"],
                "description": f"<p>{item['description']}</p>",
                "start": start,
                "end": start + datetime.timedelta(hours=1),
                "compte_rendu": COMPTES_RENDUS.get(item["number"], ""),
            },
        )
        session.themes.set([themes[slug] for slug in item["themes"]])
        session.save()  # ParentalManyToManyField values are written on save
        Speaker.objects.filter(session=session).delete()
        for position, speaker in enumerate(item["speakers"]):
            Speaker.objects.create(
                session=session,
                sort_order=position,
                name=speaker["name"],
                cite_name=speaker["cite"],
            )
        if item["number"] == 17:
            _chat(session, ARCHIVE_17, start)
            _put_replay_online(session, REPLAY_17_ONLINE)
    generate_upcoming_sessions(series)

    # A one-off session running now, moved to the current hour at every load.
    now = timezone.now().replace(second=0, microsecond=0)
    live, _ = Session.objects.get_or_create(
        series=None,
        title=LIVE_TITLE,
        defaults={
            "start": now - datetime.timedelta(minutes=10),
            "end": now + datetime.timedelta(minutes=50),
        },
    )
    if not live.start <= timezone.now() < live.end:
        live.start, live.end = (
            now - datetime.timedelta(minutes=10),
            now + datetime.timedelta(minutes=50),
        )
    live.description = (
        "<p>Séance de démonstration : le chat en direct est ouvert. Connectez-vous avec deux "
        "comptes de démonstration dans deux navigateurs pour l'essayer.</p>"
    )
    live.video_url = "https://webinaire.numerique.gouv.fr/"
    live.capacity = 50
    live.themes.set([themes["sante-handicap"]])
    live.save()
    Speaker.objects.filter(session=live).delete()
    Speaker.objects.create(
        session=live, name="Claire Etcheverry", cite_name="Cité de l'emploi de Pau"
    )
    for user in User.objects.filter(is_demo=True, email__endswith=settings.DEMO_EMAIL_DOMAIN):
        Registration.objects.get_or_create(
            session=live, user=user, defaults={"status": RegistrationStatus.CONFIRMED}
        )
    _chat(live, LIVE_MESSAGES, live.start)
    return []
