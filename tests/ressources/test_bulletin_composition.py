"""Bulletin de veille assembled from the library: the proposal (everything public published since
the last issue sent, café-cité replays included), the composition view per role and for bad
input, and the personalised sending (sections of each subscriber's champs d'action)."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from cafes_cites.models import Session
from ressources import services
from ressources.composition import proposal
from ressources.models import (
    ActionInspirantePage,
    BulletinPage,
    BulletinSending,
    Delivery,
    PortraitCitePage,
)
from tests.factories.ressources import make_ressource
from tests.ressources.test_ressources import library  # noqa: F401 (fixture)
from tests.utils import page_text
from themes.models import Theme

NOW = timezone.now()


def theme(slug):
    return Theme.objects.get(slug=slug)


def new_bulletin(library, number, sections=None):  # noqa: F811
    page = BulletinPage(
        title=f"Numéro {number}", slug=str(number), number=number, sections=sections or []
    )
    library.archive.add_child(instance=page)
    page.save_revision().publish()
    return page


def backdate(page, when):
    Page.objects.filter(pk=page.pk).update(first_published_at=when)


def sent_issue(library, number=1, when=None):  # noqa: F811
    """An issue whose sending started at `when`: the proposal starts after it."""
    bulletin = new_bulletin(library, number)
    sending = BulletinSending.objects.create(bulletin=bulletin)
    BulletinSending.objects.filter(pk=sending.pk).update(started_at=when or NOW)
    return bulletin


def replay(title, themes=(), published_at=None, **fields):
    start = NOW - datetime.timedelta(days=3)
    session = Session.objects.create(
        title=title,
        start=start,
        end=start + datetime.timedelta(hours=1),
        replay_url="https://video.example.org/replay",
        **fields,
    )
    session.themes.set([theme(slug) for slug in themes])
    session.save()  # a ParentalManyToManyField is written on save
    if published_at:
        Session.objects.filter(pk=session.pk).update(replay_published_at=published_at)
    return session


def keys(offered):
    return [row["field"] for group in offered["groups"] for row in group["rows"]]


@pytest.fixture
def world(library):  # noqa: F811
    """A sent issue a day ago, content from before and after it, public and not."""
    day_ago = NOW - datetime.timedelta(days=1)
    old = make_ressource(library, slug="ancienne-fiche")
    backdate(old, NOW - datetime.timedelta(days=10))
    sent_issue(library, 1, when=day_ago)
    fiche = make_ressource(library, slug="fiche-mobilite", themes=[theme("mobilite")])
    action = make_ressource(
        library,
        ActionInspirantePage,
        slug="action-logement",
        themes=[theme("logement"), theme("mobilite")],
    )
    portrait = make_ressource(library, PortraitCitePage, slug="portrait-sans-champ", themes=[])
    members = make_ressource(library, slug="reservee-aux-membres", members_only=True)
    group_page = make_ressource(library, slug="reservee-a-un-groupe")
    restriction = PageViewRestriction.objects.create(
        page=group_page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Groupe de travail mobilité"))
    draft = make_ressource(library, slug="brouillon")
    draft.unpublish()
    new_replay = replay("Lever les freins à la mobilité", themes=["mobilite"])
    old_replay = replay("Ancien replay", published_at=NOW - datetime.timedelta(days=5))
    replay("Séance annulée", is_cancelled=True)
    start = NOW - datetime.timedelta(days=2)
    Session.objects.create(
        title="Sans replay", start=start, end=start + datetime.timedelta(hours=1)
    )
    bulletin = new_bulletin(library, 2)
    return {
        "bulletin": bulletin,
        "fiche": fiche,
        "action": action,
        "portrait": portrait,
        "members": members,
        "group_page": group_page,
        "draft": draft,
        "old": old,
        "replay": new_replay,
        "old_replay": old_replay,
    }


# --- Proposal ----------------------------------------------------------------------------------


def test_proposal_lists_exactly_what_was_published_since_the_last_issue_sent(world):
    offered = proposal(world["bulletin"])
    expected = {
        f"page-{world['fiche'].pk}",
        f"page-{world['action'].pk}",
        f"page-{world['portrait'].pk}",
        f"replay-{world['replay'].pk}",
    }
    assert sorted(keys(offered)) == sorted(expected)
    assert offered["count"] == 4
    # Grouped by first champ in the champs' order; no champ last. The other champ of an item
    # with two only points to it.
    groups = {
        group["slug"]: [row["field"] for row in group["rows"]]
        for group in offered["groups"]
        if group["rows"]
    }
    order = [theme.slug for theme in Theme.objects.ordered()]
    first = "mobilite" if order.index("mobilite") < order.index("logement") else "logement"
    assert set(groups) == {"mobilite", first, ""}
    assert groups[""] == [f"page-{world['portrait'].pk}"]
    assert f"page-{world['action'].pk}" in groups[first]


def test_without_any_sent_issue_everything_public_is_proposed(library):  # noqa: F811
    fiche = make_ressource(library, slug="fiche")
    old = make_ressource(library, slug="vieille")
    backdate(old, NOW - datetime.timedelta(days=400))
    secret = make_ressource(library, slug="secrete", members_only=True)
    bulletin = new_bulletin(library, 1)
    found = keys(proposal(bulletin))
    assert sorted(found) == sorted([f"page-{fiche.pk}", f"page-{old.pk}"])
    assert f"page-{secret.pk}" not in found


def test_a_replay_put_online_after_the_last_issue_is_proposed_once(library):  # noqa: F811
    sent_issue(library, 1, when=NOW - datetime.timedelta(hours=1))
    session = replay("Replay à venir")
    Session.objects.filter(pk=session.pk).update(replay_url="", replay_published_at=None)
    session.refresh_from_db()
    bulletin = new_bulletin(library, 2)
    assert keys(proposal(bulletin)) == []
    session.replay_url = "https://video.example.org/nouveau"
    session.save()
    assert keys(proposal(bulletin)) == [f"replay-{session.pk}"]
    first_date = session.replay_published_at
    session.title = "Titre corrigé"
    session.save()
    assert session.replay_published_at == first_date  # an edit does not make it new again


# --- Composition -------------------------------------------------------------------------------


def compose_data(*rows):
    data = {"elements": [key for key, _, _ in rows]}
    for key, order, rubrique in rows:
        if order is not None:
            data[f"ordre-{key}"] = str(order)
        if rubrique is not None:
            data[f"rubrique-{key}"] = rubrique
    return data


def latest_sections(bulletin):
    draft = BulletinPage.objects.get(pk=bulletin.pk).get_latest_revision_as_object()
    return [
        (
            section.value["title"],
            section.value["theme"],
            [item["title"] for item in section.value["items"]],
        )
        for section in draft.sections
    ]


def test_anct_composes_and_the_order_is_kept(client, anct_user, world):
    bulletin = world["bulletin"]
    bulletin.sections = [
        (
            "section",
            {
                "title": "Agenda",
                "theme": "",
                "items": [
                    {
                        "title": "Salon de l'emploi",
                        "summary": "",
                        "page": None,
                        "url": "https://example.org/salon",
                        "themes": [],
                    }
                ],
            },
        )
    ]
    bulletin.save_revision().publish()
    client.force_login(anct_user)
    url = reverse("ressources:compose", args=[bulletin.pk])
    html = page_text(client.get(url))
    assert "Fiche mobilite" in html and "Lever les freins à la mobilité" in html
    assert "Reservee aux membres" not in html and "Brouillon" not in html
    fiche, action, portrait = (f"page-{world[name].pk}" for name in ("fiche", "action", "portrait"))
    replay_key = f"replay-{world['replay'].pk}"
    response = client.post(
        url,
        compose_data(
            (fiche, 2, None), (replay_key, 1, None), (action, None, "logement"), (portrait, 5, "")
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[bulletin.pk])
    mobilite, logement = theme("mobilite"), theme("logement")
    expected_themes = sorted([mobilite, logement], key=lambda t: (t.position, t.label))
    expected = [("Agenda", "", ["Salon de l'emploi"])]
    for t in expected_themes:
        if t.slug == "mobilite":
            expected.append(
                (t.label, "mobilite", ["Replay — Lever les freins à la mobilité", "Fiche mobilite"])
            )
        else:
            expected.append((t.label, "logement", ["Action logement"]))
    expected.append(("Toutes thématiques", "", ["Portrait sans champ"]))
    assert latest_sections(bulletin) == expected
    # A draft for the editor to review: the published issue is unchanged.
    live = BulletinPage.objects.get(pk=bulletin.pk)
    assert [section.value["title"] for section in live.sections] == ["Agenda"]
    # Composing again starts from the current choice: selected, in the chosen rubrique.
    offered = proposal(live.get_latest_revision_as_object())
    rows = {row["field"]: row for group in offered["groups"] for row in group["rows"]}
    assert rows[action]["selected"] and rows[action]["rubrique"] == "logement"
    # An item with two champs is listed under its first and pointed to from the other.
    listed = [g["slug"] for g in offered["groups"] if action in [r["field"] for r in g["rows"]]]
    pointed = [g["slug"] for g in offered["groups"] if action in [a["field"] for a in g["also"]]]
    assert len(listed) == 1 and len(pointed) == 1
    assert {listed[0], pointed[0]} == {"mobilite", "logement"}
    assert rows[fiche]["selected"] and rows[fiche]["order"] > rows[replay_key]["order"]
    # Recomposing with fewer items drops the others but keeps the hand-written section.
    assert client.post(url, compose_data((action, None, None))).status_code == 302
    assert latest_sections(bulletin)[0] == ("Agenda", "", ["Salon de l'emploi"])
    assert len(latest_sections(bulletin)) == 2


@pytest.mark.parametrize(
    ("make_data", "message"),
    [
        (lambda w: compose_data(("page-999999", 1, None)), "ne peut pas figurer dans ce numéro"),
        (
            lambda w: compose_data((f"page-{w['members'].pk}", 1, None)),
            "réservé aux membres",
        ),
        (
            lambda w: compose_data((f"page-{w['group_page'].pk}", 1, None)),
            "ne peut pas figurer",
        ),
        (lambda w: compose_data((f"page-{w['draft'].pk}", 1, None)), "non publié"),
        (lambda w: compose_data((f"page-{w['old'].pk}", 1, None)), "paru avant le dernier"),
        (
            lambda w: compose_data((f"replay-{w['old_replay'].pk}", 1, None)),
            "ne peut pas figurer",
        ),
        (
            lambda w: compose_data((f"page-{w['fiche'].pk}", 1, "logement")),
            "ne relève pas du champ d'action",
        ),
        (
            lambda w: compose_data((f"page-{w['fiche'].pk}", "premier", None)),
            "doit être un nombre entier entre 1 et 999",
        ),
        (
            lambda w: compose_data((f"page-{w['fiche'].pk}", 0, None)),
            "doit être un nombre entier entre 1 et 999",
        ),
        (lambda w: {}, "Choisissez au moins un élément"),
    ],
)
def test_bad_choices_are_refused_in_french_and_change_nothing(
    client, anct_user, world, make_data, message
):
    bulletin = world["bulletin"]
    revisions = bulletin.revisions.count()
    client.force_login(anct_user)
    data = make_data(world)
    # A valid item next to the bad one: refused all the same, nothing saved.
    if data:
        data["elements"].append(f"page-{world['action'].pk}")
    response = client.post(reverse("ressources:compose", args=[bulletin.pk]), data)
    assert response.status_code == 200
    html = page_text(response)
    assert "La composition n'a pas été enregistrée" in html
    assert message in html
    assert bulletin.revisions.count() == revisions
    assert "data-cde-error-summary" in response.content.decode()


def test_an_issue_already_sent_cannot_be_recomposed(client, anct_user, world):
    bulletin = world["bulletin"]
    BulletinSending.objects.create(bulletin=bulletin)
    revisions = bulletin.revisions.count()
    client.force_login(anct_user)
    url = reverse("ressources:compose", args=[bulletin.pk])
    assert "déjà été envoyé" in page_text(client.get(url))
    response = client.post(url, compose_data((f"page-{world['fiche'].pk}", 1, None)))
    assert "déjà été envoyé aux abonnés" in page_text(response)
    assert bulletin.revisions.count() == revisions


def test_an_issue_locked_by_someone_else_is_not_recomposed(client, anct_user, world):
    from tests.factories import make_anct_user

    bulletin = world["bulletin"]
    Page.objects.filter(pk=bulletin.pk).update(
        locked=True, locked_by=make_anct_user(email="collegue@example.org"), locked_at=NOW
    )
    revisions = bulletin.revisions.count()
    client.force_login(anct_user)
    url = reverse("ressources:compose", args=[bulletin.pk])
    response = client.post(url, compose_data((f"page-{world['fiche'].pk}", 1, None)))
    assert "verrouillé dans l'éditeur par une autre personne" in page_text(response)
    assert bulletin.revisions.count() == revisions


def test_composition_view_for_each_role(role_client, world):
    bulletin = world["bulletin"]
    url = reverse("ressources:compose", args=[bulletin.pk])
    revisions = bulletin.revisions.count()
    get = role_client.get(url)
    post = role_client.post(url, compose_data((f"page-{world['fiche'].pk}", 1, None)))
    if role_client.role == "anct_user":
        assert get.status_code == 200
        assert post.status_code == 302
        assert bulletin.revisions.count() == revisions + 1
    else:
        assert get.status_code == 404
        assert post.status_code == 404
        assert bulletin.revisions.count() == revisions
    # Unknown bulletin: the same 404 for everyone.
    assert role_client.get(reverse("ressources:compose", args=[999999])).status_code == 404


def test_the_bulletin_editor_links_to_the_composition(client, anct_user, world):
    bulletin = world["bulletin"]
    client.force_login(anct_user)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[bulletin.pk]))
    assert response.status_code == 200
    assert reverse("ressources:compose", args=[bulletin.pk]) in response.content.decode()
    assert "Composer depuis la bibliothèque" in response.content.decode()


# --- Personalised sending ----------------------------------------------------------------------


def section(title, theme_slug, *item_titles):
    return (
        "section",
        {
            "title": title,
            "theme": theme_slug,
            "items": [
                {
                    "title": t,
                    "summary": "",
                    "page": None,
                    "url": "https://example.org/" + str(n),
                    "themes": [theme_slug] if theme_slug else [],
                }
                for n, t in enumerate(item_titles)
            ],
        },
    )


@pytest.fixture
def themed_bulletin(library):  # noqa: F811
    return new_bulletin(
        library,
        7,
        [
            section("Pour tous", "", "Brève commune"),
            section("Rubrique mobilité", "mobilite", "Brève mobilité"),
            section("Rubrique logement", "logement", "Brève logement"),
        ],
    )


def subscribe(email, themes):
    return services.confirm_subscription(email, themes)


def received(email):
    messages = [message for message in mail.outbox if message.to == [email]]
    assert len(messages) <= 1, f"{email} a reçu {len(messages)} courriels"
    if not messages:
        return None
    message = messages[0]
    html = message.alternatives[0][0]
    titles = [t for t in ("Brève commune", "Brève mobilité", "Brève logement") if t in message.body]
    assert titles == [t for t in ("Brève commune", "Brève mobilité", "Brève logement") if t in html]
    return titles, message.body


def test_each_subscriber_receives_the_sections_of_their_champs(
    themed_bulletin, anct_user, django_capture_on_commit_callbacks
):
    subscribe("tout@example.org", None)
    subscribe("mobilite@example.org", ["mobilite"])
    subscribe("deux@example.org", ["logement", "mobilite"])
    subscribe("sante@example.org", ["sante-handicap"])
    aucun = subscribe("aucun-champ@example.org", ["mobilite"])
    aucun.themes.clear()  # chose no champ: receives everything
    with django_capture_on_commit_callbacks(execute=True):
        sending = services.start_sending(themed_bulletin, anct_user)
    everything = ["Brève commune", "Brève mobilité", "Brève logement"]
    assert received("tout@example.org")[0] == everything
    assert received("aucun-champ@example.org")[0] == everything
    titles, body = received("mobilite@example.org")
    assert titles == ["Brève commune", "Brève mobilité"]
    assert "Votre sélection : les rubriques de vos champs d'action (Mobilité)" in body
    assert received("deux@example.org")[0] == everything
    assert received("sante@example.org") is None  # nothing for their champ: no e-mail
    assert "Votre sélection" not in received("tout@example.org")[1]
    sending.refresh_from_db()
    assert sending.status == "done" and sending.recipients == 4
    assert Delivery.objects.filter(bulletin=themed_bulletin, status="sent").count() == 4
    # Walk 16e: the platform's prefix and signature, as on every other e-mail.
    for message in mail.outbox:
        assert message.subject.startswith("[Cités de l'emploi] Bulletin de veille n° ")
        assert "L'équipe nationale des cités de l'emploi (ANCT)\n\n--\nCités de l'emploi — " in (
            message.body
        )


def test_a_resumed_personalised_sending_sends_nobody_twice(
    themed_bulletin, anct_user, django_capture_on_commit_callbacks
):
    for n in range(3):
        subscribe(f"mobilite{n}@example.org", ["mobilite"])
        subscribe(f"logement{n}@example.org", ["logement"])
    with django_capture_on_commit_callbacks(execute=False):
        sending = services.start_sending(themed_bulletin, anct_user)
    real_send = services.EmailMultiAlternatives.send
    calls = {"n": 0}

    def crash_on_third(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("worker stopped")
        return real_send(self, *args, **kwargs)

    with (
        mock.patch.object(services.EmailMultiAlternatives, "send", crash_on_third),
        pytest.raises(KeyboardInterrupt),
    ):
        services.run_sending(sending.pk, batch_size=2)
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.start_sending(themed_bulletin, anct_user)
    sent = [message.to[0] for message in mail.outbox]
    assert len(sent) == len(set(sent)) == 5  # the interrupted one is not risked again
    assert Delivery.objects.filter(bulletin=themed_bulletin).count() == 6
    for message in mail.outbox:
        email = message.to[0]
        titles, _ = received(email)
        wanted = "Brève mobilité" if email.startswith("mobilite") else "Brève logement"
        assert titles == ["Brève commune", wanted]


def test_each_field_counts_its_own_items_and_those_that_also_belong_to_it(client, anct_user, world):
    """Walk 1518f N9: « 0 élément publié » stood above an item « relevant aussi de ce champ »."""
    client.force_login(anct_user)
    html = page_text(client.get(reverse("ressources:compose", args=[world["bulletin"].pk])))
    # A field whose only item is listed under its first field says so, not « 0 élément ».
    assert "Aucun élément rangé sous ce champ, 1 autre qui en relève aussi" in html
    assert "3 éléments rangés sous ce champ" in html and "1 élément rangé sous ce champ" in html
    assert "0 élément" not in html


def test_text_part_gives_each_item_its_absolute_link_and_summary(
    library,  # noqa: F811
    anct_user,
    django_capture_on_commit_callbacks,
):
    """Walk 1518h N13: a text-only reader can open every item, as in the HTML part."""
    fiche = make_ressource(library, slug="permanences-emploi", title="Permanences emploi")
    item = {
        "title": "Permanences emploi",
        "summary": "Des permanences dans chaque quartier.",
        "page": fiche,
        "url": "",
        "themes": ["mobilite"],
    }
    bulletin = new_bulletin(
        library, 9, [("section", {"title": "Mobilité", "theme": "mobilite", "items": [item]})]
    )
    subscribe("texte@example.org", ["mobilite"])
    with django_capture_on_commit_callbacks(execute=True):
        services.start_sending(bulletin, anct_user)
    (message,) = mail.outbox
    link = services.absolute_url(fiche.url)
    assert link.startswith("http") and link.endswith("/permanences-emploi/")
    assert f'href="{link}"' in message.alternatives[0][0]
    assert (
        f"* Permanences emploi\n  Des permanences dans chaque quartier.\n  Lire : {link}\n"
    ) in message.body, message.body


def _words(response):
    from django.utils.html import strip_tags

    return " ".join(strip_tags(page_text(response)).split())


def test_sending_pages_say_who_is_left_out_and_agree_with_the_progress(
    client, themed_bulletin, anct_user, django_capture_on_commit_callbacks
):
    """Walk 1518h N7: « 0 abonné concerné » says why (no section for their champs), and the
    list's count is the one the sending was started for, as its progress."""
    subscribe("numerique@example.org", ["competences-numeriques"])
    client.force_login(anct_user)
    detail = reverse("ressources:sending", args=[themed_bulletin.pk])
    text = _words(client.get(detail))
    assert "0 abonné concerné." in text
    assert (
        "1 autre abonné n'a aucune rubrique dans ce numéro (aucune ne correspond à ses champs "
        "d'action) : il ne le recevra pas." in text
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ressources:start_sending", args=[themed_bulletin.pk]))
    assert mail.outbox == []
    text = _words(client.get(detail))
    assert "0 abonné concerné au lancement de l'envoi." in text
    assert "il ne l'a pas reçu." in text
    subscribe("tout@example.org", None)  # subscribed after the sending: not counted for it
    rows = _words(client.get(reverse("ressources:sendings")))
    row = rows[rows.index(f"n° {themed_bulletin.number} ") :]
    assert row.startswith(
        f"n° {themed_bulletin.number} — {themed_bulletin.title} 0 + 1 sans rubrique"
    )
    assert "Terminé (0 envoyé sur 0)" in row
