"""Writing in a group in Chromium: a coordinator writes a formatted question with a mention and
two attachments, a partner answers (a draft survives a reload), the coordinator marks the
solution. No Content-Security-Policy violation, axe-core clean on each page; the XSS corpus and
Word HTML pasted into the editor."""

import io
import re

import pytest
from playwright.sync_api import expect

from cde_site.setup import setup_site
from groups import services
from groups.models import Draft, Post, Role, Thread
from notifications.models import Notification
from tests.browser.conftest import assert_accessible
from tests.browser.test_groups import log_in
from tests.browser.test_xss import DOM_CHECK
from tests.cde_site.test_security import PAYLOADS
from tests.factories import CiteFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# Runs before the page's scripts: records every CSP violation and any payload that would run.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
    window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def png():
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(output, format="PNG")
    return output.getvalue()


def new_page(browser, base_url, user):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.add_init_script(WATCH)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, base_url, user.email)
    return page


def assert_clean(page):
    assert page.evaluate("() => window.__csp") == [], "violation de la CSP"
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert page.dialogs == []
    assert_accessible(page)


def paste_html(page, html):
    page.locator(".cde-editor__area").first.click()
    page.evaluate(
        """(html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", html.replace(/<[^>]*>/g, ""));
            const area = document.querySelector(".cde-editor__area");
            area.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                             cancelable: true}));
        }""",
        html,
    )


@pytest.fixture
def team(live_server, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    settings.GROUP_POST_RATE_COUNT = 0
    setup_site()
    cite = CiteFactory(short_name="Testville", name="Cité de l'emploi de Testville")
    coordinator = UserFactory(cite=cite, coordinator=True, first_name="Claire", last_name="Coord")
    partner = UserFactory(cite=cite, partner=True, first_name="Paula", last_name="Partenaire")
    services.add_member(cite.group, coordinator, role=Role.ANIMATEUR)
    services.add_member(cite.group, partner)
    return cite.group, coordinator, partner


def test_question_mention_attachments_draft_and_solution(browser, live_server, team, tmp_path):
    group, coordinator, partner = team
    (tmp_path / "upload").mkdir()
    (tmp_path / "upload" / "compte-rendu.pdf").write_bytes(PDF)
    (tmp_path / "upload" / "affiche.png").write_bytes(png())

    coord = new_page(browser, live_server.url, coordinator)
    coord.goto(live_server.url + group.get_absolute_url())
    coord.get_by_role("link", name="Nouvelle discussion").click()
    expect(coord.get_by_role("toolbar", name=re.compile("Mise en forme"))).to_be_visible()
    assert_clean(coord)
    coord.get_by_label("Titre").fill("Qui a un modèle de convention ?")
    editor = coord.get_by_role("textbox", name="Message")
    editor.click()
    coord.keyboard.type("Bonjour, ")
    coord.get_by_role("button", name="Gras").click()
    expect(coord.get_by_role("button", name="Gras")).to_have_attribute("aria-pressed", "true")
    coord.keyboard.type("urgent")
    coord.keyboard.press("Control+b")
    coord.keyboard.type(" : ")
    coord.keyboard.type("@Pau")
    option = coord.get_by_role("option", name=re.compile("Paula Partenaire"))
    expect(option).to_be_visible()
    expect(editor).to_have_attribute("aria-activedescendant", re.compile("cde-mentions"))
    assert_accessible(coord)
    coord.keyboard.press("Enter")
    coord.keyboard.type("as-tu celui de l'an dernier ?")
    coord.keyboard.press("Enter")
    coord.get_by_role("button", name="Liste à puces").click()
    coord.keyboard.type("premier point")
    coord.locator("label[for=id_is_question]").click()  # DSFR draws the box on the label
    expect(coord.get_by_label("C'est une question")).to_be_checked()
    coord.locator("#id_files").set_input_files(
        [str(tmp_path / "upload" / "compte-rendu.pdf"), str(tmp_path / "upload" / "affiche.png")]
    )
    expect(coord.get_by_role("button", name="Retirer « compte-rendu.pdf »")).to_be_visible()
    assert_clean(coord)
    coord.get_by_role("button", name="Publier", exact=True).click()
    expect(coord.get_by_text("Votre discussion est publiée.")).to_be_visible()

    thread = Thread.objects.get(title="Qui a un modèle de convention ?")
    opening = thread.posts.get()
    assert thread.is_question
    assert "<strong>urgent</strong>" in opening.body_html
    assert f'href="{services.mention_url(group, partner)}"' in opening.body_html
    assert "<ul><li><p>premier point</p></li></ul>" in opening.body_html
    assert sorted(a.original_name for a in opening.attachments.all()) == [
        "affiche.png",
        "compte-rendu.pdf",
    ]
    assert Notification.objects.filter(recipient=partner, kind="mention").count() == 1
    expect(coord.get_by_text("Question", exact=True)).to_be_visible()
    # The thumbnail is decorative: the file's name is its text link (walk 12e).
    thumbnail = coord.locator(".cde-attachment-thumb img")
    expect(thumbnail).to_be_visible()
    expect(coord.get_by_role("link", name=re.compile("^affiche.png"))).to_have_count(1)
    assert coord.evaluate("(img) => img.naturalWidth", thumbnail.element_handle()) > 0
    assert_clean(coord)

    # The partner answers; her draft survives a reload.
    part = new_page(browser, live_server.url, partner)
    part.goto(live_server.url + thread.get_absolute_url())
    expect(part.get_by_role("link", name="@Claire Coord")).to_have_count(0)
    expect(part.locator("main").get_by_role("link", name="@Paula Partenaire")).to_be_visible()
    reply = part.get_by_role("textbox", name="Votre réponse")
    reply.click()
    part.keyboard.type("Oui, je l'ai : ")
    part.get_by_role("button", name="Italique").click()
    part.keyboard.type("version signée")
    expect(part.get_by_text(re.compile("Brouillon enregistré"))).to_be_visible(timeout=15_000)
    assert Draft.objects.filter(user=partner, thread=thread).exists()
    part.reload()
    expect(part.get_by_role("textbox", name="Votre réponse")).to_contain_text(
        "Oui, je l'ai : version signée"
    )
    expect(part.get_by_text(re.compile("Brouillon repris"))).to_be_visible()
    assert_clean(part)
    part.get_by_role("button", name="Publier la réponse").click()
    expect(part.get_by_text("Votre réponse est publiée.")).to_be_visible()
    assert not Draft.objects.filter(user=partner).exists()
    answer = thread.posts.get(is_opening=False)
    assert "<em>version signée</em>" in answer.body_html
    assert_clean(part)

    # The coordinator marks the solution.
    coord.goto(live_server.url + thread.get_absolute_url())
    coord.get_by_role("button", name="Marquer comme solution").click()
    expect(coord.get_by_text("Réponse marquée comme solution.")).to_be_visible()
    expect(coord.get_by_text("Résolu", exact=True)).to_be_visible()
    expect(coord.locator(".cde-solution")).to_contain_text("version signée")
    assert_clean(coord)
    thread.refresh_from_db()
    assert thread.solution == answer
    coord.goto(live_server.url + "/groupes/")
    coord.get_by_role("link", name="Questions sans solution dans mes groupes").click()
    expect(coord.get_by_text("Aucune question sans solution")).to_be_visible()
    assert_clean(coord)
    coord.goto(live_server.url + f"/groupes/{group.slug}/documents/")
    expect(coord.get_by_role("link", name="compte-rendu.pdf")).to_be_visible()
    assert_clean(coord)
    coord.context.close()
    part.context.close()


def test_pasted_word_html_and_xss_corpus_through_the_editor(browser, live_server, team):
    group, coordinator, _ = team
    thread = services.create_thread(group, coordinator, title="Collages", body="Ouverture")
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + thread.get_absolute_url())
    word = (
        "<html xmlns:o='urn:schemas-microsoft-com:office:office'><head><style>p.MsoNormal"
        "{margin:0}</style></head><body><!--[if gte mso 9]><xml></xml><![endif]-->"
        "<p class=MsoNormal style='margin:0cm;font-family:Calibri'><b><span "
        "style='color:red'>Gras Word</span></b><o:p></o:p></p>"
        "<p class=MsoListParagraph><span style='mso-list:Ignore'>·</span>Point</p></body></html>"
    )
    paste_html(page, word)
    expect(page.get_by_role("textbox", name="Votre réponse")).to_contain_text("Gras Word")
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page.get_by_text("Votre réponse est publiée.")).to_be_visible()
    post = thread.posts.latest("pk")
    assert "<strong>Gras Word</strong>" in post.body_html
    assert "style" not in post.body_html and "class" not in post.body_html
    assert "Mso" not in post.body_html

    for start in range(0, len(PAYLOADS), 12):
        chunk = "".join(f"<p>Texte {p}</p>" for p in PAYLOADS[start : start + 12])
        paste_html(page, chunk)
        page.wait_for_timeout(200)
        assert page.evaluate("() => typeof window.__xss") == "undefined"
        page.get_by_role("button", name="Publier la réponse").click()
        expect(page.get_by_text("Votre réponse est publiée.")).to_be_visible()
    page.reload()
    page.wait_for_load_state("networkidle")
    for body in page.locator("main .cde-post-body").all():
        body.hover(force=True)
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert page.dialogs == []
    assert page.evaluate(DOM_CHECK) == []
    assert page.evaluate("() => window.__csp") == []
    assert Post.objects.filter(thread=thread).count() == 2 + (len(PAYLOADS) + 11) // 12
    page.context.close()


def test_pasted_word_lists_become_real_lists(browser, live_server, team):
    """Word's clipboard has no <ol>/<ul>: its list paragraphs become lists in the editor
    (editor.js, transformPastedHTML), nested by level, the typed numbers dropped."""
    from tests.commons.test_commons import WORD_LISTS

    group, coordinator, _ = team
    thread = services.create_thread(group, coordinator, title="Listes", body="Ouverture")
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + thread.get_absolute_url())
    paste_html(page, WORD_LISTS)
    area = page.get_by_role("textbox", name="Votre réponse")
    expect(area.locator("ol > li")).to_have_count(2)
    expect(area.locator("ol > li ul > li")).to_have_text("Un point gras")
    expect(area.locator("ul").last.locator("li")).to_have_text("Puce")
    assert "1." not in area.inner_text() and "·" not in area.inner_text()
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page.get_by_text("Votre réponse est publiée.")).to_be_visible()
    body = " ".join(thread.posts.latest("pk").body_html.split())
    assert "<ol><li><p>Un</p><ul><li><p>Un point <strong>gras</strong></p></li></ul></li>" in body
    assert "<li><p>Deux</p></li></ol>" in body
    assert "<ul><li><p>Puce</p></li></ul>" in body
    assert "Mso" not in body and "·" not in body
    assert_clean(page)
    page.context.close()


def test_without_javascript_the_textarea_still_posts(browser, live_server, team):
    group, coordinator, _ = team
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    log_in_no_js(page, live_server.url, coordinator.email)
    page.goto(live_server.url + f"/groupes/{group.slug}/discussions/nouvelle/")
    page.locator("#id_title").fill("Sans JavaScript")
    page.locator("#id_body").fill("Première ligne\n\nDeuxième paragraphe")
    page.get_by_role("button", name="Publier", exact=True).click()
    thread = Thread.objects.get(title="Sans JavaScript")
    assert thread.posts.get().body_html == "<p>Première ligne</p><p>Deuxième paragraphe</p>"
    context.close()


def log_in_no_js(page, base_url, email):
    from tests.factories import PASSWORD

    page.goto(base_url + "/comptes/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def test_editor_on_the_edit_and_proposal_pages(browser, live_server, team):
    """The other pages that use the editor: no CSP violation, axe-core clean, the form still
    saves the formatted text."""
    from ressources.setup import ensure_library

    group, coordinator, _ = team
    ensure_library(setup_site())
    thread = services.create_thread(group, coordinator, title="À corriger", body="Texte initial")
    post = thread.posts.get()
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + f"/groupes/{group.slug}/messages/{post.pk}/modifier/")
    editor = page.get_by_role("textbox", name="Message")
    expect(editor).to_contain_text("Texte initial")
    assert_clean(page)
    editor.click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Citation").click()
    page.keyboard.type("Une citation")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Message modifié.")).to_be_visible()
    post.refresh_from_db()
    assert "<blockquote><p>Une citation</p></blockquote>" in post.body_html

    page.goto(live_server.url + "/ressources/proposer-une-action/")
    expect(page.get_by_role("textbox", name="Description")).to_be_visible()
    assert_clean(page)
    page.context.close()


def editor_ready(page):
    """The editor's own ready signal (editor.js sets data-ready once it takes input): keys
    pressed before it would go to a page without the editor or its shortcuts."""
    expect(page.locator(".cde-editor[data-ready]").first).to_be_attached()
    return page.locator(".cde-editor__area").first


def test_ctrl_k_links_the_whole_keyboard_selection(browser, live_server, team):
    """Shift+arrows then Ctrl+K at typing speed: ProseMirror hears of the last arrow after the
    shortcut, and the link used to land on part of the word. An address without https://
    is completed, not refused by the browser's URL check."""
    group, coordinator, _ = team
    thread = services.create_thread(group, coordinator, title="Liens", body="Ouverture")
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + thread.get_absolute_url())
    area = editor_ready(page)
    area.click()
    page.keyboard.type("Lisez le guide")
    for _ in range(5):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Control+k")
    dialog = page.get_by_role("dialog", name="Lien")
    expect(dialog).to_be_visible()
    expect(page.get_by_label("Adresse du lien (https://…)")).to_be_focused()
    assert_accessible(page)
    page.keyboard.type("service-public.fr")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(area).to_be_focused()
    link = area.get_by_role("link")
    expect(link).to_have_text("guide")
    expect(link).to_have_attribute("href", "https://service-public.fr")
    # Escape leaves the text as it was.
    page.keyboard.press("Control+k")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(area).to_have_text("Lisez le guide")
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page.get_by_text("Votre réponse est publiée.")).to_be_visible()
    assert '<a href="https://service-public.fr"' in thread.posts.latest("pk").body_html
    assert_clean(page)
    page.context.close()


def test_giving_up_a_new_discussion_asks_then_deletes_its_draft(browser, live_server, team):
    group, coordinator, _ = team
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + f"/groupes/{group.slug}/discussions/nouvelle/")
    area = editor_ready(page)
    page.get_by_label("Titre").fill("Idée abandonnée")
    area.click()
    page.keyboard.type("Finalement non")
    expect(page.get_by_text(re.compile("Brouillon enregistré"))).to_be_visible(timeout=15_000)
    assert Draft.objects.filter(user=coordinator, thread=None).exists()
    # The toolbar's undo and the form's discard no longer share a name.
    expect(page.get_by_role("button", name="Annuler", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Annuler la dernière modification")).to_have_count(1)
    page.get_by_role("button", name="Abandonner ce brouillon").click()
    expect(page.get_by_role("heading", name="Abandonner ce brouillon ?")).to_be_visible()
    assert Draft.objects.filter(user=coordinator, thread=None).exists()
    page.get_by_role("button", name="Abandonner ce brouillon").click()
    expect(page).to_have_url(live_server.url + group.get_absolute_url())
    expect(page.get_by_text("Votre brouillon est abandonné.")).to_be_visible()
    assert not Draft.objects.filter(user=coordinator).exists()
    assert not Thread.objects.filter(title="Idée abandonnée").exists()
    # Back on the form (the confirmation answered a POST: no Back to it), nothing is left.
    page.goto(live_server.url + f"/groupes/{group.slug}/discussions/nouvelle/")
    expect(page.get_by_label("Titre")).to_have_value("")
    expect(editor_ready(page)).to_have_text("")
    page.context.close()


def test_text_sent_while_leaving_is_not_lost_to_the_served_draft(browser, live_server, team):
    """The save sent while leaving (a beacon) may reach the server after the next page was
    served with the older draft: the tab's copy wins, and a link added right away keeps it."""
    group, coordinator, _ = team
    thread = services.create_thread(group, coordinator, title="Course", body="Ouverture")
    page = new_page(browser, live_server.url, coordinator)
    page.goto(live_server.url + thread.get_absolute_url())
    area = editor_ready(page)
    area.click()
    page.keyboard.type("Premier jet")
    expect(page.get_by_text(re.compile("Brouillon enregistré"))).to_be_visible(timeout=15_000)
    page.keyboard.type(" et la suite")
    page.goto(live_server.url + group.get_absolute_url())
    # The page coming next is served before the beacon is handled: the older draft. (Once the
    # beacon is in, the server is set back to what it had before it.)
    for _ in range(20):
        if "la suite" in Draft.objects.get(user=coordinator, thread=thread).body:
            break
        page.wait_for_timeout(500)
    services.save_draft(coordinator, group, thread=thread, body="<p>Premier jet</p>")
    page.go_back()
    area = editor_ready(page)
    expect(area).to_have_text("Premier jet et la suite")
    expect(page.locator("[data-draft-status]")).to_contain_text(
        "Votre dernière saisie est rétablie."
    )
    area.click()
    page.keyboard.press("End")
    for _ in range(5):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Control+k")
    page.keyboard.type("https://exemple.fr")
    page.keyboard.press("Enter")
    expect(area.get_by_role("link")).to_have_text("suite")
    page.wait_for_timeout(1500)  # the former reload came about a second after the page showed
    expect(area).to_have_text("Premier jet et la suite")
    for _ in range(30):  # the autosave runs 3 s after the last change
        body = Draft.objects.get(user=coordinator, thread=thread).body
        if "exemple.fr" in body:
            break
        page.wait_for_timeout(500)
    assert "Premier jet et la " in body and 'href="https://exemple.fr"' in body
    assert_clean(page)
    page.context.close()
