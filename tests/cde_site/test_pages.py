"""Site-wide pages: navigation, errors, legal pages, health, privacy of cached responses."""

import re

from django.core.management import call_command
from django.urls import reverse

from tests.utils import page_text


def test_home_without_setup_is_wagtail_placeholder_then_ours(client):
    call_command("setup_site")
    response = client.get("/")
    html = page_text(response)
    assert response.status_code == 200
    assert "Le réseau des cités de l'emploi" in html
    assert 'lang="fr"' in html
    for label in ["Accueil", "Cités", "Champs d'action"]:
        assert label in html
    assert "Contenu" in html and 'href="#contenu"' in html  # skip links


def test_setup_site_is_idempotent():
    from wagtail.models import Page

    call_command("setup_site")
    count = Page.objects.count()
    call_command("setup_site")
    assert Page.objects.count() == count


def test_legal_pages_in_footer(client):
    call_command("setup_site")
    html = page_text(client.get(reverse("cites:directory")))
    for title, url in [
        ("Déclaration d'accessibilité", "/accessibilite/"),
        ("Mentions légales", "/mentions-legales/"),
        ("Données personnelles", "/donnees-personnelles/"),
    ]:
        assert url in html
        page = client.get(url)
        assert page.status_code == 200
        assert title in page_text(page)
    # Short footer links stay on one line at phone width.
    assert ">Mentions\u00a0légales</a>" in html


def test_skip_link_targets_take_the_focus(client):
    """« Menu principal » and « Pied de page » lead to elements that can take the focus, so
    that the browser moves it there and a screen reader announces where the user landed."""
    html = client.get(reverse("cites:directory")).content.decode()
    nav = re.search(r"<nav[^>]*id=\"navigation-principale\"[^>]*>", html).group(0)
    footer = re.search(r"<footer[^>]*id=\"pied-de-page\"[^>]*>", html).group(0)
    assert 'tabindex="-1"' in nav and 'tabindex="-1"' in footer


def test_404_is_french_and_styled(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    # The same words in the <title> and the heading (DSFR's error page).
    assert "<title>Page non trouvée — " in html
    assert re.search(r"<h1>\s*Page non trouvée\s*</h1>", html)


def test_500_page_is_french_and_needs_no_database(client):
    from cde_site.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Erreur inattendue" in page_text(response)


def test_health(client):
    import os

    response = client.get(reverse("health"))
    assert response.status_code == 200
    data = response.json()
    assert data["database"] == "ok"
    assert data["redis"] == ("ok" if os.environ.get("REDIS_URL") else "non configuré")


def test_health_reports_a_dead_redis_in_french(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["redis"] == "indisponible"
    assert response.json()["database"] == "ok"


def test_health_reports_the_task_queue(client, settings):
    from search.tasks import process_search_updates

    assert client.get(reverse("health")).json()["tasks"]["backend"] == "ImmediateBackend"
    # django-tasks resets its backends on setting_changed.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    process_search_updates.enqueue()
    state = client.get(reverse("health")).json()["tasks"]
    assert state["backend"] == "base de données"
    assert state["en_attente"] == 1 and state["echecs_24h"] == 0


def test_health_survives_a_dead_elasticsearch(client, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"
    response = client.get(reverse("health"))
    assert response.status_code == 200  # search falls back to the database
    assert response.json()["elasticsearch"] == "indisponible"
    assert response.json()["search_pending"] == 0


def test_logged_in_responses_are_private(client, professional):
    client.force_login(professional)
    response = client.get(reverse("cites:directory"))
    assert "private" in response["Cache-Control"]


def test_no_cdn_in_pages(client):
    call_command("setup_site")
    html = page_text(client.get("/"))
    assert "cdn" not in html.lower()
    assert "/static/dsfr/" in html


def test_only_the_most_specific_nav_entry_is_current(rf):
    from cde_site.context_processors import _nav_entries

    entries = {e["label"]: e["active"] for e in _nav_entries("/ressources/veille/")}
    if "Veille" in entries:
        assert entries["Veille"] and not entries["Ressources"]
    assert sum(_nav["active"] for _nav in _nav_entries("/cites/pau/")) == 1
