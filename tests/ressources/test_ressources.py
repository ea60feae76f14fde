"""Library pages, filters and counts, visibility, proposals, subscriptions and bulletin sending."""

import itertools
import re
from unittest import mock

import pytest
from django.core import mail, signing
from django.db import connection
from django.urls import reverse
from wagtail.models import Page, WorkflowState

from cde_site.setup import setup_site
from ressources import services
from ressources.models import (
    ActionInspirantePage,
    BulletinPage,
    Delivery,
    FicheDispositifPage,
    ParcoursBeneficiairePage,
    PortraitCitePage,
    Subscriber,
    SubscriptionRequest,
)
from ressources.setup import ensure_library
from tests.factories.ressources import make_ressource
from tests.utils import page_text
from themes.models import PublicCible, Theme


@pytest.fixture
def library():
    home = setup_site()
    library, archive = ensure_library(home)
    library.archive = archive
    return library


def make_bulletin(library, number=314, themes=("mobilite",)):
    page = BulletinPage(
        title=f"Numéro {number}",
        slug=str(number),
        number=number,
        intro="Édito du numéro",
        sections=[
            (
                "section",
                {
                    "title": "Mobilité",
                    "items": [
                        {
                            "title": "Brève sur le permis",
                            "summary": "Le permis à un euro",
                            "page": None,
                            "url": "https://example.org/permis",
                            "themes": list(themes),
                        }
                    ],
                },
            )
        ],
    )
    library.archive.add_child(instance=page)
    page.save_revision().publish()
    return page


# --- Rendering ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", [FicheDispositifPage, ActionInspirantePage, PortraitCitePage, ParcoursBeneficiairePage]
)
def test_every_page_type_renders(client, library, model, cite):
    page = make_ressource(
        library, model, slug="une-ressource", title="Une ressource utile", cite=cite
    )
    response = client.get(page.url)
    html = page_text(response)
    assert response.status_code == 200
    assert "Une ressource utile" in html
    assert model._meta.verbose_name.capitalize() in html
    assert cite.name in html


def test_bulletin_pages_and_feed_render(client, library):
    make_bulletin(library)
    html = page_text(client.get(reverse("ressources:bulletins")))
    assert "n° 314" in html
    html = page_text(client.get("/ressources/veille/314/"))
    assert "Brève sur le permis" in html and "https://example.org/permis" in html
    feed = client.get(reverse("ressources:bulletin_feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "Numéro 314" in feed.content.decode()


def test_index_url_serves_the_library(client, library):
    response = client.get(reverse("ressources:index"))
    assert response.status_code == 200
    assert "Filtrer les ressources" in page_text(response)
    html = response.content.decode()
    assert "Tous et toutes" not in html
    for text in ("Tous les champs d'action", "Toutes les régions", "Tous les publics"):
        assert f'<option value="">{text}</option>' in html.replace("&#x27;", "'")


# --- Filters and counts -----------------------------------------------------------------------


def test_filters_and_counts(client, library, cite):
    mobilite = Theme.objects.get(slug="mobilite")
    logement = Theme.objects.get(slug="logement")
    jeunes = PublicCible.objects.get(slug="jeunes")
    make_ressource(library, slug="fiche-mobilite", themes=[mobilite], publics=[jeunes])
    make_ressource(library, slug="fiche-logement", themes=[logement], region="32")
    make_ressource(
        library, ActionInspirantePage, slug="action-mobilite", themes=[mobilite], cite=cite
    )
    html = page_text(client.get(library.url, {"theme": "mobilite"}))
    assert "2 ressources" in html
    assert "Fiche mobilite" in html and "Action mobilite" in html
    assert "Fiche logement" not in html
    assert "Mobilité (2)" in html and "Logement (1)" in html  # theme counts ignore the theme filter
    assert "Fiches dispositifs (1)" in html and "Actions inspirantes (1)" in html
    html = page_text(client.get(library.url, {"type": "fiche", "region": "32"}))
    assert "1 ressource" in html and "Fiche logement" in html
    html = page_text(client.get(library.url, {"cite": cite.slug}))
    assert "Action mobilite" in html and "Fiche mobilite" not in html
    html = page_text(client.get(library.url, {"public": "jeunes"}))
    assert "Fiche mobilite" in html and "Action mobilite" not in html


def test_sort_by_title_and_invalid_filter(client, library):
    make_ressource(library, slug="zebre", title="Zèbre")
    make_ressource(library, slug="abeille", title="Abeille")
    html = page_text(client.get(library.url, {"tri": "titre", "theme": "<script>"}))
    assert html.index("Abeille") < html.index("Zèbre")
    assert "Un filtre n'est pas valide" in html
    assert "<script>" not in html


def test_pagination(client, library):
    for n in range(23):
        make_ressource(library, slug=f"fiche-{n}")
    assert page_text(client.get(library.url)).count('class="fr-card fr-enlarge-link"') == 20
    assert (
        page_text(client.get(library.url, {"page": 2})).count('class="fr-card fr-enlarge-link"')
        == 3
    )


def count_queries(client, url, params=None):
    queries = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_library_query_count_does_not_grow(client, library, cite):
    make_ressource(library, slug="premiere")
    client.get(library.url)  # warm caches (content types, site root)
    few = count_queries(client, library.url, {"theme": "mobilite"})
    for n in range(15):
        model = ActionInspirantePage if n % 2 else FicheDispositifPage
        make_ressource(library, model, slug=f"p-{n}", cite=cite)
    many = count_queries(client, library.url, {"theme": "mobilite"})
    assert 0 < many == few


# --- Visibility --------------------------------------------------------------------------------


def test_members_only_pages_are_hidden_from_anonymous_everywhere(client, library, professional):
    make_ressource(library, slug="publique", title="Fiche publique")
    secret = make_ressource(library, slug="reservee", title="Fiche réservée", members_only=True)
    urls = [library.url, reverse("ressources:feed"), reverse("themes:detail", args=["mobilite"])]
    for url in urls:
        html = page_text(client.get(url))
        assert "Fiche publique" in html
        assert "Fiche réservée" not in html, url
    assert client.get(secret.url).status_code == 404
    client.force_login(professional)
    assert "Fiche réservée" in page_text(client.get(library.url))
    assert "Réservé aux inscrits" in page_text(client.get(library.url))
    assert "Fiche réservée" in page_text(client.get(reverse("themes:detail", args=["mobilite"])))
    assert client.get(secret.url).status_code == 200
    # Feeds are anonymous whoever fetches them.
    assert "Fiche réservée" not in page_text(client.get(reverse("ressources:feed")))


def test_restriction_on_an_ancestor_covers_children(client, library):
    make_ressource(library, slug="enfant", title="Fiche enfant")
    services.set_members_only(library, True)
    assert "Fiche enfant" not in page_text(client.get(reverse("themes:detail", args=["mobilite"])))


def test_drafts_are_not_listed(client, library):
    page = make_ressource(library, slug="brouillon", title="Fiche brouillon")
    page.unpublish()
    assert "Fiche brouillon" not in page_text(client.get(library.url))


# --- URLs for each role ------------------------------------------------------------------------

EXPECTED = {
    # url name: {role: status}, default 200
    "ressources:propose": {
        "anonymous": 302,
        "professional": 404,
        "non_member": 200,
        "anct_user": 404,
    },
    "ressources:sendings": {
        "anonymous": 404,
        "professional": 404,
        "member": 404,
        "non_member": 404,
    },
}


@pytest.mark.parametrize(
    "name",
    ["index", "feed", "bulletins", "bulletin_feed", "subscribe", "propose", "sendings"],
)
def test_urls_for_each_role(role_client, library, name):
    make_ressource(library, slug="une-fiche")
    make_bulletin(library)
    response = role_client.get(reverse(f"ressources:{name}"))
    expected = EXPECTED.get(f"ressources:{name}", {}).get(role_client.role, 200)
    assert response.status_code == expected


def test_detail_pages_for_each_role(role_client, library):
    public = make_ressource(library, slug="publique")
    secret = make_ressource(library, slug="reservee", members_only=True)
    bulletin = make_bulletin(library)
    assert role_client.get(public.url).status_code == 200
    assert role_client.get(bulletin.url).status_code == 200
    expected = 404 if role_client.role == "anonymous" else 200
    assert role_client.get(secret.url).status_code == expected


def test_sending_views_for_each_role(role_client, library):
    bulletin = make_bulletin(library)
    detail = role_client.get(reverse("ressources:sending", args=[bulletin.pk]))
    start = role_client.post(reverse("ressources:start_sending", args=[bulletin.pk]))
    if role_client.role == "anct_user":
        assert detail.status_code == 200
        assert start.status_code == 302
    else:
        assert detail.status_code == 404
        assert start.status_code == 404


# --- Review workflow and proposals -------------------------------------------------------------


def test_member_proposal_becomes_a_draft_in_the_anct_workflow(client, library, member):
    client.force_login(member)
    response = client.post(
        reverse("ressources:propose"),
        {
            "title": "Un petit-déjeuner des employeurs",
            "summary": "Chaque mois, dix employeurs rencontrent des habitants.",
            "description": "Premier paragraphe.\n\n<script>alert(1)</script>Second.",
            "themes": [Theme.objects.get(slug="reseau-professionnel").pk],
            "start_date": "15/03/2024",
        },
    )
    assert response.status_code == 302
    page = ActionInspirantePage.objects.get(title="Un petit-déjeuner des employeurs")
    assert not page.live
    assert page.cite == member.cite
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Relecture ANCT"
    assert "<script>" not in str(page.get_latest_revision_as_object().body)
    assert "Un petit-déjeuner" not in page_text(client.get(library.url))


def test_proposal_with_errors_changes_nothing(client, library, member):
    client.force_login(member)
    before = Page.objects.count()
    response = client.post(reverse("ressources:propose"), {"title": ""})
    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in page_text(response)
    assert Page.objects.count() == before


def test_scheduled_publishing(library):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    page = make_ressource(library, slug="programmee")
    page.unpublish()
    page.go_live_at = timezone.now() + datetime.timedelta(seconds=1)
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live
    with mock.patch(
        "django.utils.timezone.now", return_value=page.go_live_at + datetime.timedelta(minutes=1)
    ):
        call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live


# --- Subscription ------------------------------------------------------------------------------


def _link(message, marker):
    return next(word for word in message.body.split() if marker in word)


def test_double_opt_in_and_unsubscribe(client, library, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ressources:subscribe"),
            {"email": "lecteur@example.org", "scope": "themes", "themes": ["mobilite"]},
        )
    assert response.status_code == 302
    assert not Subscriber.objects.exists()  # nothing stored before confirmation
    assert len(mail.outbox) == 1
    # Walk 16e: the platform's prefix and signature, as on every other e-mail.
    assert mail.outbox[0].subject == (
        "[Cités de l'emploi] Confirmez votre abonnement au bulletin de veille des cités de l'emploi"
    )
    assert (
        mail.outbox[0]
        .body.rstrip()
        .endswith(
            "L'équipe nationale des cités de l'emploi (ANCT)\n\n--\nCités de l'emploi — "
            + mail.outbox[0].body.rstrip().rsplit(" — ", 1)[1]
        )
    )
    assert "://" in mail.outbox[0].body.rstrip().rsplit(" — ", 1)[1]
    confirm_url = _link(mail.outbox[0], "/veille/abonnement/")
    path = confirm_url.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    client.post("/" + path)
    subscriber = Subscriber.objects.get(email="lecteur@example.org")
    assert subscriber.confirmed_at and not subscriber.all_themes
    assert list(subscriber.themes.values_list("slug", flat=True)) == ["mobilite"]
    token = services.unsubscribe_token(subscriber)
    response = client.post(reverse("ressources:unsubscribe", args=[token]))
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    assert client.post(reverse("ressources:unsubscribe", args=["faux"])).status_code == 400
    assert client.get(reverse("ressources:confirm", args=["faux"])).status_code == 400


def test_ticked_themes_choose_them_even_with_the_default_whole_bulletin(
    client, library, django_capture_on_commit_callbacks
):
    """Walk 1518h N12: as on the preferences page, ticked champs are the choice (the radio's
    default « Tout le bulletin » is not held against them), without JavaScript too."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ressources:subscribe"),
            {"email": "lecteur@example.org", "scope": "all", "themes": ["mobilite"]},
        )
    assert response.status_code == 302
    (confirmation,) = mail.outbox
    path = _link(confirmation, "/veille/abonnement/").split("://", 1)[1].split("/", 1)[1]
    client.post("/" + path)
    subscriber = Subscriber.objects.active().get(email="lecteur@example.org")
    assert not subscriber.all_themes and subscriber.chosen_theme_slugs() == {"mobilite"}


def test_subscription_address_is_prefilled_for_a_logged_in_user(client, library):
    from tests.factories import UserFactory

    assert 'value="camille@exemple.fr"' not in client.get(reverse("ressources:subscribe")).text
    client.force_login(UserFactory(email="camille@exemple.fr"))
    assert 'value="camille@exemple.fr"' in client.get(reverse("ressources:subscribe")).text


def test_subscribing_again_tells_only_the_owner(
    client, library, django_capture_on_commit_callbacks
):
    """An address already subscribed: the page answers as for a new one (a stranger learns
    nothing), the e-mail tells its owner, with an unsubscribe link and no confirmation link."""
    subscriber = services.confirm_subscription("abonnee@example.org", None)

    def ask(email):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("ressources:subscribe"), {"email": email, "scope": "all"}, follow=True
            )

    def neutral(response, email):
        text = page_text(response).replace(email, "X")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    new_page = neutral(ask("nouvelle@example.org"), "nouvelle@example.org")
    again_page = neutral(ask("abonnee@example.org"), "abonnee@example.org")
    assert again_page == new_page
    assert len(mail.outbox) == 2
    message = mail.outbox[1]
    assert message.to == ["abonnee@example.org"]
    assert "déjà actif" in message.subject and "déjà actif" in message.body
    token = _link(message, "/veille/desabonnement/").rstrip("/").rsplit("/", 1)[1]
    assert signing.loads(token, salt=services.UNSUBSCRIBE_SALT) == subscriber.pk
    assert "/veille/abonnement/" not in message.body
    assert "déjà actif" in message.alternatives[0][0]


def test_confirmation_emails_are_throttled_per_address_and_per_ip(
    client, library, settings, django_capture_on_commit_callbacks
):
    """The subscription form cannot flood a mailbox: past the limit, a French refusal (429) and
    no e-mail; another address from another connection still gets its own."""
    settings.RESSOURCES_SUBSCRIBE_PER_ADDRESS = 2
    settings.RESSOURCES_SUBSCRIBE_PER_IP = 2

    def ask(email, ip):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("ressources:subscribe"), {"email": email, "scope": "all"}, REMOTE_ADDR=ip
            )

    assert ask("cible@example.org", "198.51.100.1").status_code == 302
    assert ask("CIBLE@example.org", "198.51.100.2").status_code == 302
    response = ask("cible@example.org", "198.51.100.3")
    assert response.status_code == 429
    assert "déjà été envoyés à cette adresse dans la dernière heure" in page_text(response)
    assert len(mail.outbox) == 2
    assert ask("autre@example.org", "198.51.100.1").status_code == 302
    response = ask("encore@example.org", "198.51.100.1")  # a 3rd e-mail asked from this IP
    assert response.status_code == 429
    assert "depuis votre réseau (même adresse IP)" in page_text(response)
    assert len(mail.outbox) == 3
    assert ask("encore@example.org", "198.51.100.9").status_code == 302
    assert not Subscriber.objects.exists()
    assert "example.org" not in str(list(SubscriptionRequest.objects.values()))


def test_subscription_requires_a_theme_when_not_everything(client, library):
    response = client.post(
        reverse("ressources:subscribe"), {"email": "a@example.org", "scope": "themes"}
    )
    assert "Choisissez au moins un champ d'action" in page_text(response)
    assert not mail.outbox


# --- Sending -----------------------------------------------------------------------------------


def _subscribers(count, themes=None):
    subscribers = []
    for n in range(count):
        subscriber = services.confirm_subscription(f"abonne{n}@example.org", themes)
        subscribers.append(subscriber)
    return subscribers


def test_bulletin_goes_to_matching_subscribers_with_html_and_text(
    library, anct_user, django_capture_on_commit_callbacks
):
    bulletin = make_bulletin(library, themes=("mobilite",))
    _subscribers(2)  # everything
    services.confirm_subscription("mobilite@example.org", ["mobilite"])
    services.confirm_subscription("logement@example.org", ["logement"])
    gone = services.confirm_subscription("parti@example.org", None)
    services.unsubscribe(services.unsubscribe_token(gone))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with_commit = services.start_sending(bulletin, anct_user)
    sent_to = sorted(m.to[0] for m in mail.outbox)
    assert sent_to == ["abonne0@example.org", "abonne1@example.org", "mobilite@example.org"]
    message = mail.outbox[0]
    assert "Brève sur le permis" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Brève sur le permis" in html
    assert "List-Unsubscribe" in message.extra_headers
    with_commit.refresh_from_db()
    assert with_commit.status == "done"


def test_interrupted_sending_resumes_without_sending_twice(
    library, anct_user, django_capture_on_commit_callbacks
):
    bulletin = make_bulletin(library)
    _subscribers(7)
    with django_capture_on_commit_callbacks(execute=False):
        sending = services.start_sending(bulletin, anct_user)
    real_send = services.EmailMultiAlternatives.send
    calls = {"n": 0}

    def crash_on_fourth(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt("worker stopped")  # the process dies mid-batch
        return real_send(self, *args, **kwargs)

    with (
        mock.patch.object(services.EmailMultiAlternatives, "send", crash_on_fourth),
        pytest.raises(KeyboardInterrupt),
    ):
        services.run_sending(sending.pk, batch_size=2)
    sending.refresh_from_db()
    assert sending.status == "interrupted"
    assert len(mail.outbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.start_sending(bulletin, anct_user)  # resume
    sent = [message.to[0] for message in mail.outbox]
    assert len(sent) == len(set(sent)) == 6  # nobody twice; the interrupted one is not risked
    assert Delivery.objects.filter(bulletin=bulletin).count() == 7
    assert Delivery.objects.filter(bulletin=bulletin, status="claimed").count() == 1
    sending.refresh_from_db()
    assert sending.status == "done"
    with django_capture_on_commit_callbacks(execute=True):
        services.start_sending(bulletin, anct_user)  # a finished sending does nothing
    assert len(mail.outbox) == 6


def test_anct_sees_the_proposal_in_wagtail_moderation(client, library, member, anct_user):
    client.force_login(member)
    client.post(
        reverse("ressources:propose"),
        {
            "title": "Un atelier CV en pied d'immeuble",
            "summary": "Des conseillers viennent au pied des tours.",
            "description": "Chaque mardi.",
            "themes": [Theme.objects.get(slug="reseau-professionnel").pk],
        },
    )
    client.force_login(anct_user)
    html = page_text(client.get("/admin/"))
    assert "Un atelier CV en pied d'immeuble" in html


def test_cite_members_are_invited_to_propose_an_action_from_their_cite_page(
    client, cite, member, non_member
):
    client.force_login(member)
    assert "Proposer une action inspirante" in page_text(client.get(cite.get_absolute_url()))
    client.force_login(non_member)
    assert "Proposer une action inspirante" not in page_text(client.get(cite.get_absolute_url()))


def test_documents_of_members_only_pages_are_hidden_like_their_pages(client, library, professional):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    Document = get_document_model()
    shared = Document.objects.create(
        title="Guide partagé", file=ContentFile(b"%PDF-1.4", "guide.pdf")
    )
    secret = Document.objects.create(
        title="Annexe réservée", file=ContentFile(b"%PDF-1.4", "annexe.pdf")
    )
    loose = Document.objects.create(title="Sans page", file=ContentFile(b"%PDF-1.4", "libre.pdf"))

    def link(document):
        return [("link", {"label": document.title, "url": "", "page": None, "document": document})]

    make_ressource(library, slug="publique", body=link(shared))
    make_ressource(library, slug="reservee", members_only=True, body=link(secret))
    make_ressource(library, slug="reservee-aussi", members_only=True, body=link(shared))

    assert client.get(shared.url).status_code == 200  # also used by a public page
    assert client.get(loose.url).status_code == 200  # no page: its collection decides
    assert client.get(secret.url).status_code == 404  # like the page itself
    client.force_login(professional)
    assert client.get(secret.url).status_code == 200


def test_a_draft_using_a_restricted_document_does_not_make_it_public(client, library, anct_user):
    """A draft or unpublished page has no public address: it vouches for no one."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    secret = get_document_model().objects.create(
        title="Annexe réservée", file=ContentFile(b"%PDF-1.4", "annexe.pdf")
    )
    link = [("link", {"label": "Annexe", "url": "", "page": None, "document": secret})]
    make_ressource(library, slug="reservee", members_only=True, body=link)
    draft = make_ressource(library, slug="brouillon", body=link)
    draft.unpublish()
    unpublished_then_edited = make_ressource(library, slug="retiree", body=link)
    unpublished_then_edited.unpublish()

    assert client.get(secret.url).status_code == 404
    client.force_login(anct_user)  # editors preview drafts: they may open it
    assert client.get(secret.url).status_code == 200


def test_anct_previews_a_proposed_action(client, library, member, anct_user):
    """The reviewer opens the proposal's revision from the workflow (a preview, built from the
    revision's data: its many-to-many fields are in-memory lists, not querysets)."""
    client.force_login(member)
    client.post(
        reverse("ressources:propose"),
        {
            "title": "Un atelier vélo",
            "summary": "Apprendre à réparer son vélo pour aller travailler.",
            "description": "Premier paragraphe.",
            "themes": [Theme.objects.get(slug="mobilite").pk],
            "start_date": "15/03/2024",
        },
    )
    page = ActionInspirantePage.objects.get(title="Un atelier vélo")
    client.force_login(anct_user)
    revision = page.get_latest_revision()
    response = client.get(f"/admin/pages/{page.pk}/revisions/{revision.pk}/view/")
    assert response.status_code == 200
    assert "Un atelier vélo" in page_text(response)


def test_images_of_members_only_pages_are_not_public(
    client, library, professional, settings, tmp_path
):
    """/media/images/ (renditions) and /media/original_images/ follow the pages using the image,
    like documents: a picture placed only in members-only pages answers 404 to anonymous users."""
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    settings.MEDIA_ROOT = tmp_path

    def picture(name):
        buffer = io.BytesIO()
        PILImage.new("RGB", (64, 48), "teal").save(buffer, "PNG")
        return get_image_model().objects.create(
            title=name, file=ImageFile(buffer, name=f"{name}.png")
        )

    public, secret, loose = picture("publique"), picture("reservee"), picture("libre")

    def body(image):
        return [("image", {"image": image, "alt": "", "caption": ""})]

    make_ressource(library, slug="page-publique", body=body(public))
    make_ressource(library, slug="page-reservee", members_only=True, body=body(secret))
    urls = {
        image: (image.file.url, image.get_rendition("width-40").url)
        for image in (public, secret, loose)
    }
    for image in (public, loose):
        for url in urls[image]:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Content-Type"] == "image/png"
            assert "public" in response["Cache-Control"]
    for url in urls[secret]:
        assert client.get(url).status_code == 404
    assert client.get("/media/images/inconnue.png").status_code == 404
    assert client.get("/media/original_images/../private-media/x.png").status_code == 404
    client.force_login(professional)
    for url in urls[secret]:
        response = client.get(url)
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_stated_frequency_matches_the_issues_dates():
    """The archive says how often the bulletin comes out; the demo issues follow it."""
    from cde_site.demo.data import BULLETINS
    from ressources.setup import BULLETIN_INTRO

    assert BULLETIN_INTRO.startswith("Toutes les deux semaines,")
    dates = sorted(item["date"] for item in BULLETINS)
    assert {(b - a).days for a, b in itertools.pairwise(dates)} == {14}


def test_confirmation_page_title_starts_with_its_heading(client, library):
    token = services.subscription_token("lecteur@example.org", None)
    text = page_text(client.get(reverse("ressources:confirm", args=[token])))
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1).strip()
    h1 = re.search(r"<h1>(.*?)</h1>", text, re.S).group(1).strip()
    assert title.startswith(h1 + " — "), (title, h1)


def test_proposal_limits_are_announced_and_counted_on_the_visible_text(client, library, member):
    """Walk 1518: titre, territoire and contact were cut silently at 200; the description's
    error counted the HTML tags, in Django's generic words."""
    client.force_login(member)
    url = reverse("ressources:propose")
    html = client.get(url).content.decode()
    for name in ("title", "territory", "contact"):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'maxlength="200"' in field and "data-compteur" in field
    assert html.count("200 caractères au plus") == 3
    assert "10\u00a0000 caractères au plus" in html
    data = {
        "title": "T" * 201,
        "summary": "Un résumé.",
        # 10 001 visible characters, many more with the markup.
        "description": "<p><strong>" + "a" * 5000 + "</strong>" + "b" * 5001 + "</p>",
        "themes": [Theme.objects.get(slug="mobilite").pk],
    }
    text = page_text(client.post(url, data))
    assert "200 caractères au plus (actuellement 201)." in text
    assert "10\u00a0000 caractères au plus (actuellement 10\u00a0001)." in text
    data["title"] = "T" * 200
    data["description"] = "<p><strong>" + "a" * 5000 + "</strong>" + "b" * 5000 + "</p>"
    assert client.post(url, data).status_code == 302
