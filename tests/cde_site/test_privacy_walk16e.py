"""Walk 16e F8: the privacy page names the controller, the legal basis, the CNIL complaint, a
contact address and every retention period; the 403 page gives the contact address."""

import datetime

import pytest
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.utils import timezone

from cde_site.models import ContentPage
from cde_site.setup import PREVIOUS_PRIVACY_PARAGRAPHS, PRIVACY_SLUG, setup_site
from tests.factories import UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def _privacy_text(client):
    page = ContentPage.objects.get(slug=PRIVACY_SLUG)
    return page_text(client.get(page.url))


def _assert_complete(text):
    assert "Agence nationale de la cohésion des territoires (ANCT)" in text
    assert "mailto:contact@cites-emploi.anct.gouv.fr" in text
    assert "article 6-1-e du RGPD" in text and "consentement" in text
    assert "cnil.fr/fr/plaintes" in text
    assert "Abonnement au bulletin de veille" in text
    assert "sessions de connexion (adresse IP, navigateur, dates)" in text
    assert "échecs de connexion" in text and "(15 minutes)" in text
    assert "écrivez à l'équipe nationale.</p>" not in text


def test_privacy_page_is_complete_and_an_old_one_is_updated(client):
    from wagtail.rich_text import RichText

    setup_site()
    _assert_complete(_privacy_text(client))
    # A page as an earlier setup_site wrote it is brought up to date by the next run.
    page = ContentPage.objects.get(slug=PRIVACY_SLUG)
    page.body = [("paragraph", RichText(p)) for p in PREVIOUS_PRIVACY_PARAGRAPHS]
    page.save_revision().publish()
    assert "Responsable du traitement" not in _privacy_text(client)
    setup_site()
    _assert_complete(_privacy_text(client))
    # A page edited by the team is left alone.
    page = ContentPage.objects.get(slug=PRIVACY_SLUG)
    page.body = [("paragraph", RichText("<p>Texte de l'équipe.</p>"))]
    page.save_revision().publish()
    setup_site()
    assert "Texte de l'équipe." in _privacy_text(client)
    assert "Responsable du traitement" not in _privacy_text(client)


def test_forbidden_page_gives_the_contact_address(client):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 403
    assert 'href="mailto:contact@cites-emploi.anct.gouv.fr"' in page_text(response)


def test_retention_purges_expired_sessions_and_old_failed_logins(client):
    from rgpd.services import apply_retention
    from tests.factories import PASSWORD

    user = UserFactory()
    client.post("/comptes/login/", {"login": user.email, "password": PASSWORD})
    live_key = client.session.session_key
    old = UserFactory()
    other = type(client)()
    other.post("/comptes/login/", {"login": old.email, "password": PASSWORD})
    Session.objects.filter(session_key=other.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(days=1)
    )
    other.post("/comptes/login/", {"login": "x@exemple.org", "password": "faux"})
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(hours=1))
    recent = AccessAttempt.objects.create(
        username="y@exemple.org",
        ip_address="10.0.0.1",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/",
        failures_since_start=1,
        attempt_time=timezone.now(),
    )
    result = apply_retention()
    assert result["login_traces"] >= 3
    assert list(Session.objects.values_list("session_key", flat=True)) == [live_key]
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [live_key]
    assert list(AccessAttempt.objects.all()) == [recent]
