"""Fixes from the third blind walk of issue 12 in Chromium: numbered lists published « 1. 2. »,
the cursor after a link inserted (with or without a selection), no empty error icons, webmail
and Word pastes (table cells kept apart, Google redirects unwrapped, no blank edge paragraphs),
a comma right after a mention, no horizontal scroll after a refused file, quotes with a bar.
axe-core clean on the pages."""

import re

import pytest
from playwright.sync_api import expect

from cde_site.setup import setup_site
from groups import services
from groups.models import Group, Post
from tests.browser.conftest import assert_accessible
from tests.browser.test_groups import log_in
from tests.browser.test_groups_writing import (  # noqa: F401
    assert_clean,
    editor_ready,
    new_page,
    paste_html,
    team,
)
from tests.factories import CiteFactory, make_anct_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WEBMAIL = (
    '<div dir="ltr"><div style="font-family:arial">Bonjour,<br><br>Voici les horaires :<br>'
    '<table border="1"><tr><td>Lundi</td><td>9h-12h</td></tr><tr><td>Mardi</td><td>14h-17h</td></tr>'
    '</table><ul><li>Relais <a href="https://www.google.com/url?q=https://relais.fr/accueil&amp;sa=D"'
    ' target="_blank">relais.fr</a></li></ul></div></div>'
)
WORD = (
    "<html><body><!--StartFragment--><div class=WordSection1><p class=MsoNormal>Compte rendu"
    "<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p></div><!--EndFragment--></body></html>"
)


def marker(page, locator):
    """The content of a list item's marker (DSFR draws the numbers with ::marker)."""
    return locator.evaluate("(li) => getComputedStyle(li, '::marker').content")


def test_lists_links_and_quotes_as_written(browser, live_server, team):  # noqa: F811
    group, coordinator, _ = team
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + f"/groupes/{group.slug}/discussions/nouvelle/")
    area = editor_ready(page)
    # No error icon before anything went wrong.
    expect(page.locator(".fr-error-text:visible")).to_have_count(0)
    page.get_by_label("Titre").fill("Horaires")
    area.click()
    page.keyboard.type("Voir France Travail")
    expect(area).to_have_text("Voir France Travail")
    for _ in range(len("France Travail")):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Control+k")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Adresse du lien (https://…)")).to_be_focused()
    # Not on a link: nothing to remove; the empty error message draws nothing.
    expect(dialog.get_by_role("button", name="Retirer le lien")).to_have_count(0)
    expect(dialog.locator(".fr-error-text:visible")).to_have_count(0)
    assert_clean(page)
    page.keyboard.type("https://www.francetravail.fr")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    # Typing goes after the link, outside it: the linked words stay.
    page.keyboard.type(" pour plus d'infos.")
    expect(area.get_by_role("link")).to_have_text("France Travail")
    expect(area).to_contain_text("Voir France Travail pour plus d'infos.")
    # Nothing selected: the address becomes the link's text.
    page.keyboard.press("Enter")
    page.keyboard.type("Site : ")
    page.keyboard.press("Control+k")
    page.keyboard.type("service-public.fr")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    page.keyboard.type(" (accueil)")
    expect(area.get_by_role("link", name="service-public.fr")).to_have_attribute(
        "href", "https://service-public.fr"
    )
    # The DOM's own text: Playwright's text matcher reported this paragraph without its spaces
    # while the DOM has them (seen on 7 December 2026, cause not found).
    assert "Site : service-public.fr (accueil)" in area.text_content()
    # A numbered list with a nested one, and a quote.
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Liste numérotée").click()
    page.keyboard.type("Premier")
    page.keyboard.press("Enter")
    page.keyboard.type("Deuxième")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("Sous-point")
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("Troisième")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Citation").click()
    page.keyboard.type("Une phrase citée")
    # On a link, « Retirer le lien » is offered.
    area.get_by_role("link", name="France Travail").click()
    page.keyboard.press("Control+k")
    expect(dialog.get_by_role("button", name="Retirer le lien")).to_be_visible()
    dialog.get_by_role("button", name="Annuler").click()
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.get_by_text("Votre discussion est publiée.")).to_be_visible()
    body = Post.objects.get(thread__title="Horaires").body_html
    assert (
        '<a href="https://www.francetravail.fr" rel="nofollow noopener">France Travail</a> pour'
        in body
    )
    assert (
        '<a href="https://service-public.fr" rel="nofollow noopener">service-public.fr</a> (accueil)'
        in body
    )
    published = page.locator(".cde-post-body").first
    items = published.locator("ol > li")
    # Each list counts on its own (counter(), not DSFR's counters() which, inside the <ol> of
    # messages, drew « 1.1. 1.2. »); the nested one too.
    expect(items).to_have_count(4)
    assert {marker(page, items.nth(i)) for i in range(4)} == {'counter(li-counter) ".\xa0\xa0"'}
    quote = published.locator("blockquote")
    assert quote.evaluate("(q) => getComputedStyle(q).borderLeftStyle") == "solid"
    assert_clean(page)
    page.context.close()


def test_pastes_mentions_and_layout(browser, live_server, team):  # noqa: F811
    group, coordinator, _ = team
    thread = services.create_thread(group, coordinator, title="Relais", body="Ouverture")
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + thread.get_absolute_url())
    area = editor_ready(page)
    expect(page.locator(".fr-error-text:visible")).to_have_count(0)
    paste_html(page, WEBMAIL)
    expect(area).to_contain_text("Lundi — 9h-12h")
    expect(area).to_contain_text("Mardi — 14h-17h")
    expect(area.get_by_role("link", name="relais.fr")).to_have_attribute(
        "href", "https://relais.fr/accueil"
    )
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("@Pau")
    expect(page.get_by_role("option", name=re.compile("Paula Partenaire"))).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.type(", voici. Et @Pau")
    expect(page.get_by_role("option", name=re.compile("Paula Partenaire"))).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.type(": merci")
    expect(area).to_contain_text("@Paula Partenaire, voici. Et @Paula Partenaire : merci")
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page.get_by_text("Votre réponse est publiée.")).to_be_visible()
    body = thread.posts.latest("pk").body_html
    assert "<p>Lundi — 9h-12h</p><p>Mardi — 14h-17h</p>" in body
    assert 'href="https://relais.fr/accueil"' in body
    assert "google" not in body
    # A Word document: no blank paragraph at its end.
    editor_ready(page)
    paste_html(page, WORD)
    expect(area.locator("p")).to_have_count(1)
    expect(area).to_have_text("Compte rendu")
    # A file refused by the server: the page does not get wider than the window.
    page.locator("#id_files").set_input_files(
        {
            "name": "programme.pdf",
            "mimeType": "application/pdf",
            "buffer": b"MZ\x90\x00" + b"\x00" * 200,
        }
    )
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page.locator(".fr-error-text:visible").first).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    assert_clean(page)
    # Phone width: the author's name is on one line.
    page.set_viewport_size({"width": 390, "height": 844})
    name = page.locator(".cde-person-name").first
    box = name.bounding_box()
    line = float(name.evaluate("(n) => parseFloat(getComputedStyle(n).lineHeight)"))
    assert box["height"] < line * 1.5
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.context.close()


def test_admin_group_address_from_the_name_and_search(page, live_server):
    setup_site()
    services.ensure_national_group()
    anct = make_anct_user(first_name="Nadia", last_name="National")
    page.set_default_timeout(60_000)
    log_in(page, live_server.url, anct.email)
    page.goto(live_server.url + "/admin/snippets/groups/group/add/")
    expect(page.get_by_text("Adresse courte du groupe")).to_be_visible()
    expect(page.get_by_text("remplie d'après le nom")).to_be_visible()
    # Typed key by key, then Tab: the short address follows the name.
    page.locator("#id_name").click()
    page.keyboard.type("Santé des jeunes")
    page.keyboard.press("Tab")
    expect(page.locator("#id_slug")).to_have_value("sante-des-jeunes")
    assert_accessible(page)
    # The list's search narrows on part of the name, accents ignored.
    CiteFactory(short_name="Testville")  # its cité group is listed without a search
    national = Group.objects.get(kind="national")
    page.goto(live_server.url + "/admin/snippets/groups/group/?q=operateur")
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(national.name)
