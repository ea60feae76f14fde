"""Content-Security-Policy in a real browser (site and Wagtail admin work, nothing is blocked) and
ProConnect end to end: Chromium, the platform and a local OpenID Connect provider process."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from cde_site.setup import setup_site
from groups import services as group_services
from groups.models import Role
from tests.browser.conftest import assert_accessible
from tests.browser.test_xss import log_in, outside_event_loop
from tests.factories import CiteFactory, UserFactory, make_anct_user
from tests.oidc import configure, set_claims

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Records every CSP violation the page reports (Playwright's init scripts are not subject to it).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched_page(page):
    page.add_init_script(RECORD_VIOLATIONS)
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    return page


def assert_no_violation(page):
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("() => window.__cspViolations")
    csp_errors = [text for text in page.console_errors if "Content Security Policy" in text]
    assert violations == [] and csp_errors == [], (page.url, violations, csp_errors)


def test_site_pages_work_under_the_strict_policy(watched_page, live_server):
    page = watched_page

    def build():
        setup_site()
        cite = CiteFactory()
        member = UserFactory(cite=cite, coordinator=True)
        group_services.add_member(cite.group, member, role=Role.ANIMATEUR)
        thread = group_services.create_thread(cite.group, member, title="Sujet", body="Texte")
        return member, thread

    member, thread = outside_event_loop(build)
    for path in ["/", "/comptes/login/", "/cites/", "/champs-action/"]:
        response = page.goto(live_server.url + path)
        assert "script-src 'self';" in response.headers["content-security-policy"] + ";"
        assert_no_violation(page)
    # DSFR's JavaScript runs (static file, no inline script): the password "Afficher" box works.
    page.goto(live_server.url + "/comptes/login/")
    password = page.locator("input[name=password]")
    page.get_by_text("Afficher", exact=True).click()
    expect(password).to_have_attribute("type", "text")

    log_in(page, live_server, member)
    for url in [thread.get_absolute_url(), "/comptes/profil/", "/notifications/"]:
        page.goto(live_server.url + url)
        assert_no_violation(page)
    page.goto(live_server.url + "/comptes/sessions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes sessions")
    assert_no_violation(page)
    assert_accessible(page)


def test_wagtail_admin_works_under_its_policy(watched_page, live_server):
    page = watched_page
    home, anct = outside_event_loop(lambda: (setup_site(), make_anct_user()))
    log_in(page, live_server, anct)
    for path in ["/admin/", "/admin/pages/", f"/admin/pages/{home.pk}/edit/"]:
        response = page.goto(live_server.url + path)
        assert response.status == 200
        assert "'unsafe-inline'" in response.headers["content-security-policy"]
        assert_no_violation(page)
    # The editor's scripts ran: its form and the sidebar are rendered by JavaScript.
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_visible()
    expect(page.locator("form#page-edit-form")).to_be_visible()


def test_proconnect_login_in_the_browser(watched_page, live_server, proconnect):
    page = watched_page

    def build():
        agent = UserFactory(email="camille.agent@dreets.gouv.fr", first_name="Camille")
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=agent, email=agent.email, verified=True, primary=True)
        return agent

    agent = outside_event_loop(build)
    set_claims(
        proconnect,
        "camille",
        email=agent.email,
        email_verified=True,
        given_name="Camille",
        family_name="Agent",
    )
    page.goto(live_server.url + "/comptes/login/?next=/comptes/profil/")
    button = page.get_by_role("button", name="S'identifier avec ProConnect")
    expect(button).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Qu'est-ce que ProConnect"))).to_be_visible()
    results = Path(settings.VAR_DIR) / "test-results"
    results.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(results / "login-proconnect.png"), full_page=True)
    assert_no_violation(page)
    assert_accessible(page)

    button.click()  # POST to the platform, redirected to the provider (CSP form-action)
    expect(page).to_have_url(re.compile(re.escape(proconnect) + "/oauth2/authorize"))
    page.locator("input[name=sub]").fill("camille")
    page.get_by_role("button", name="Authorize").click()

    expect(page).to_have_url(live_server.url + "/comptes/profil/")
    expect(page.locator("main")).to_contain_text("camille.agent@dreets.gouv.fr")
    assert_no_violation(page)


def test_proconnect_refusal_in_the_browser(watched_page, live_server, proconnect):
    page = watched_page
    page.goto(live_server.url + "/comptes/login/")
    page.get_by_role("button", name="S'identifier avec ProConnect").click()
    page.get_by_role("button", name="Deny").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("Connexion (annulée|refusée)")
    )
    assert_no_violation(page)
    assert_accessible(page)
    page.goto(live_server.url + "/comptes/profil/")
    expect(page).to_have_url(re.compile("/comptes/login/"))


def test_proconnect_level_refusal_in_the_browser(watched_page, live_server, proconnect, settings):
    """A login at a lower level than PROCONNECT_ACR_VALUES asks: the French refusal page."""
    page = watched_page
    configure(settings, proconnect, acr_values=["eidas1"])
    set_claims(proconnect, "faible", email="faible@interieur.gouv.fr", acr="eidas0")
    page.goto(live_server.url + "/comptes/login/")
    page.get_by_role("button", name="S'identifier avec ProConnect").click()
    page.locator("input[name=sub]").fill("faible")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion refusée")
    expect(page.locator("main")).to_contain_text("niveau")
    results = Path(settings.VAR_DIR) / "test-results"
    results.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(results / "proconnect-niveau-refuse.png"), full_page=True)
    assert_no_violation(page)
    assert_accessible(page)


def test_lockout_page_in_the_browser(watched_page, live_server, settings):
    settings.AXES_FAILURE_LIMIT = 2
    page = watched_page
    user = outside_event_loop(UserFactory)
    for attempt in ["faux-1", "faux-2", "faux-3"]:
        page.goto(live_server.url + "/comptes/login/")
        page.locator("input[name=login]").fill(user.email)
        page.locator("input[name=password]").fill(attempt)
        page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion temporairement bloquée")
    assert_no_violation(page)
    assert_accessible(page)
