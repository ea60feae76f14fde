"""Walk 12e (writing in groups, second blind walk): Word lists, ANCT running the group it
creates, refused files, editing, deleting a solution, questions' names, times, reports."""

import pytest
from django.core import mail
from django.urls import reverse

from commons.html import sanitize_html
from groups import services
from groups.models import EmailMode, Role
from tests.factories import CiteFactory, UserFactory
from tests.groups.test_writing import PDF, png_bytes, w  # noqa: F401 (fixture)

# Word's clipboard as the walker pasted it: the markers in <![if !supportLists]> without the
# mso-list:Ignore span (older Word, Outlook), Symbol bullets « · », « o », « § » and numbers.
WORD_NO_IGNORE = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><body lang=FR>
<!--StartFragment--><p class=MsoNormal><b>Ordre du jour</b><o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]>Point sur les permanences<o:p></o:p></p>
<p class=MsoListParagraphCxSpMiddle style='margin-left:72.0pt;mso-list:l0 level2 lfo1'><![if !supportLists]><span style='font-family:"Courier New"'>o<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]>Clairmarais<o:p></o:p></p>
<p class=MsoListParagraphCxSpMiddle style='margin-left:108.0pt;mso-list:l0 level3 lfo1'><![if !supportLists]><span style='font-family:Wingdings'>§<span style='font:7.0pt "Times New Roman"'>&nbsp; </span></span><![endif]>Lundi matin<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span style='font-family:Symbol'>·<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp; </span></span><![endif]>Bilan du forum emploi<o:p></o:p></p>
<p class=MsoNormal>Puis :</p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l1 level1 lfo2'><![if !supportLists]><span>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]>Premier point numéroté<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l1 level1 lfo2'><![if !supportLists]><span>2.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]>Second point numéroté<o:p></o:p></p>
<!--EndFragment--></body></html>"""

# The same without the conditional comments (some copies lose them): the markers typed in text.
WORD_TYPED_MARKERS = """<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'>·&nbsp;&nbsp;&nbsp; Un</p>
<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'><span>o&nbsp;&nbsp; Deux</span></p>
<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'>organiser la suite</p>
<p class=MsoListParagraph style='mso-list:l1 level1 lfo2'><b>1.&nbsp;&nbsp;Premier</b></p>
<p class=MsoListParagraph style='mso-list:l1 level1 lfo2'>2.&nbsp;&nbsp;Second</p>"""

EXPECTED_LISTS = (
    "<ul><li>Point sur les permanences<ul><li>Clairmarais<ul><li>Lundi matin</li></ul></li></ul>"
    "</li><li>Bilan du forum emploi</li></ul>"
)


def test_word_markers_without_ignore_span_become_real_lists():
    html = "".join(sanitize_html(WORD_NO_IGNORE).split("\n"))
    assert EXPECTED_LISTS in html
    assert "<ol><li>Premier point numéroté</li><li>Second point numéroté</li></ol>" in html
    for marker in ("·", "§", ">o", "1.", "2.", "\xa0"):
        assert marker not in html
    typed = "".join(sanitize_html(WORD_TYPED_MARKERS).split("\n"))
    assert typed == (
        "<ul><li>Un</li><li>Deux</li><li>organiser la suite</li></ul>"
        "<ol><li><b>Premier</b></li><li>Second</li></ol>"
    )


def test_word_list_posted_without_the_editor_reaches_the_email_without_markers(
    client,
    w,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    group, thread, animateur, member = w["group"], w["thread"], w["animateur"], w["member"]
    services.set_email_mode(group, animateur, EmailMode.EACH)
    mail.outbox.clear()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(thread.get_absolute_url(), {"body": WORD_NO_IGNORE})
    post = thread.posts.latest("pk")
    assert EXPECTED_LISTS in "".join(post.body_html.split("\n"))
    [message] = [m for m in mail.outbox if m.to == [animateur.email]]
    assert "Point sur les permanences" in message.body
    assert "·" not in message.body and "§" not in message.body
    html = message.alternatives[0][0]
    assert "<li>Point sur les permanences" in html and "·" not in html
    assert "<ol><li>Premier point numéroté</li>" in "".join(html.split("\n"))


# --- F2: ANCT runs the group it creates -------------------------------------------------------


def test_anct_creating_a_group_becomes_its_animatrice_and_moderates_it(client, anct_user):
    from groups.models import Access, Group, Kind, Role
    from tests.groups.test_admin import ADD_URL, edit_url, group_post
    from tests.utils import page_text

    client.force_login(anct_user)
    form = page_text(client.get(ADD_URL))
    assert "M’ajouter comme animatrice ou animateur de ce groupe" in form
    assert "pouvez modérer ses discussions" in form
    response = client.post(
        ADD_URL,
        group_post(slug="emploi-des-jeunes", access=Access.RESERVED, creator_animates="on"),
        follow=True,
    )
    group = Group.objects.get(slug="emploi-des-jeunes")
    assert group.kind == Kind.WORKING
    assert dict(group.memberships.values_list("user_id", "role")) == {anct_user.pk: Role.ANIMATEUR}
    assert group.get_absolute_url() in response.content.decode()  # « Voir le groupe sur le site »
    edit = client.get(edit_url(group)).content.decode()
    assert "Voir le groupe sur le site" in edit and "M’ajouter comme" not in edit
    # On the site she runs it: a member's message can be masked by her.
    member = UserFactory(partner=True)
    services.add_member(group, member)
    thread = services.create_thread(group, member, title="Spam", body="Achetez")
    assert client.get(thread.get_absolute_url()).status_code == 200
    post = thread.posts.get()
    client.post(reverse("groups:hide_post", args=[group.slug, post.pk]), {"hidden": "1"})
    post.refresh_from_db()
    assert post.hidden_at is not None


def test_anct_unticking_the_box_stays_outside_and_gets_the_same_404(client, anct_user):
    from groups.models import Access, Group, Role
    from tests.groups.test_admin import ADD_URL, group_post

    coordinator = UserFactory(cite=CiteFactory(), coordinator=True)
    client.force_login(anct_user)
    client.post(
        ADD_URL,
        group_post(
            slug="reserve",
            access=Access.RESERVED,
            memberships=[("", coordinator, Role.ANIMATEUR, False)],
        ),
    )
    group = Group.objects.get(slug="reserve")
    assert list(group.memberships.values_list("user_id", flat=True)) == [coordinator.pk]
    thread = services.create_thread(group, coordinator, title="Privé", body="x")
    missing = client.get(thread.get_absolute_url().replace(str(thread.pk), "999999"))
    assert client.get(thread.get_absolute_url()).status_code == missing.status_code == 404
    assert client.get(group.get_absolute_url()).status_code == 404


# --- F5: mentions and line breaks without JavaScript -------------------------------------------


def test_typed_mention_becomes_a_link_and_lines_survive_inline_tags(client, w):  # noqa: F811
    group, thread, animateur, member = w["group"], w["thread"], w["animateur"], w["member"]
    client.force_login(member)
    typed = (
        "Merci @anne animatrice pour le modèle.\n"
        "Deuxième ligne avec <b>gras</b>\n\n"
        'Un <a href="javascript:alert(1)">clic</a> et @Annette (personne), mail@anne animatrice'
    )
    client.post(thread.get_absolute_url(), {"body": typed})
    post = thread.posts.latest("pk")
    link = services.mention_url(group, animateur)
    assert post.body_html == (
        f'<p>Merci <a href="{link}" rel="nofollow noopener">@Anne Animatrice</a> pour le modèle.'
        "<br>Deuxième ligne avec <b>gras</b></p>"
        "<p>Un clic et @Annette (personne), mail@anne animatrice</p>"
    )
    assert list(post.mentions.all()) == [animateur]
    page = client.get(thread.get_absolute_url()).content.decode()
    assert f'href="{link}"' in page


# --- F6: refused files named, in the hint's words, the others not silently dropped -------------


def test_refused_files_are_named_in_plain_words_and_the_valid_ones_are_not_lost_silently(
    client,
    w,  # noqa: F811
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from commons.uploads import DOCUMENT_FORMATS
    from groups.models import Attachment, Post
    from tests.utils import page_text

    client.force_login(w["member"])
    hint = page_text(client.get(w["thread"].get_absolute_url()))
    assert f"fichiers : {DOCUMENT_FORMATS} ;" in hint
    before = (Post.objects.count(), Attachment.objects.count())
    response = client.post(
        w["thread"].get_absolute_url(),
        {
            "body": "Trois fichiers",
            "files": [
                SimpleUploadedFile("ordre-du-jour.pdf", PDF),
                SimpleUploadedFile("script.exe", b"MZ\x90\x00" + b"\x00" * 100),
                SimpleUploadedFile("vide.pdf", b""),
            ],
        },
    )
    text = page_text(response)
    assert (
        "Fichiers refusés : « script.exe » n’est pas d’un format accepté "
        f"({DOCUMENT_FORMATS}) ; « vide.pdf » est vide. « ordre-du-jour.pdf » n’est pas joint "
        "non plus : choisissez-le de nouveau."
    ) in text
    assert "Le fichier soumis est vide" not in text and "Office 97-2003" not in text
    assert (Post.objects.count(), Attachment.objects.count()) == before
    assert "Trois fichiers" in response.content.decode()  # the text is kept


# --- F13: no report of one's own message -------------------------------------------------------


def test_an_author_cannot_report_their_own_message(client, w):  # noqa: F811
    from django.core.exceptions import PermissionDenied

    from groups.models import Report

    reply, animateur = w["reply"], w["animateur"]
    url = reverse("groups:report_post", args=[w["group"].slug, reply.pk])
    missing = reverse("groups:report_post", args=[w["group"].slug, 999999])
    client.force_login(animateur)  # the reply's author
    assert client.get(url).status_code == client.get(missing).status_code == 404
    assert client.post(url, {"reason": "Moi-même"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.report_post(reply, animateur, reason="x")
    assert not Report.objects.exists()
    client.force_login(w["member"])  # someone else still can
    client.post(url, {"reason": "Hors sujet"})
    assert Report.objects.filter(reporter=w["member"]).count() == 1


# --- F8: deleting the solution warns -----------------------------------------------------------


def test_deleting_the_solution_warns_that_resolu_goes(client, w):  # noqa: F811
    from tests.utils import page_text

    thread, reply, animateur = w["thread"], w["reply"], w["animateur"]
    url = reverse("groups:delete_post", args=[w["group"].slug, reply.pk])
    client.force_login(animateur)
    warning = (
        "Cette réponse est la solution de la question ; la supprimer retire la mention « Résolu »."
    )
    assert warning not in page_text(client.get(url))
    services.mark_solution(thread, reply, animateur)
    assert warning in page_text(client.get(url))


# --- F9: one name, one rule for the questions waiting for a solution ----------------------------


def test_questions_sans_solution_one_name_and_one_rule_everywhere(client, w):  # noqa: F811
    from tests.utils import page_text

    group, thread, member = w["group"], w["thread"], w["member"]  # a question with a reply
    client.force_login(member)
    pages = {
        "group": reverse("groups:questions", args=[group.slug]),
        "mine": reverse("groups:my_questions"),
        "espace": reverse("espace:home"),
    }
    for name, url in pages.items():
        text = page_text(client.get(url, follow=True))
        assert "Questions sans solution" in text, name
        assert "sans réponse" not in text and "en attente de" not in text, name
        assert thread.title in text, name
    assert "Questions sans solution du groupe" in page_text(client.get(group.get_absolute_url()))
    services.mark_solution(thread, w["reply"], member)
    for name in ("group", "mine"):
        assert thread.title not in page_text(client.get(pages[name])), name
    assert thread not in client.get(pages["espace"]).context["questions"]
    assert "Aucune question sans solution" in page_text(client.get(pages["group"]))


# --- F10: times written « 21 h 59 » -------------------------------------------------------------


def test_times_are_written_the_french_way_on_pages_and_in_emails(
    client,
    w,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    import re

    from django.utils import timezone

    from tests.utils import page_text

    group, thread, animateur, member = w["group"], w["thread"], w["animateur"], w["member"]
    services.set_email_mode(group, member, EmailMode.EACH)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post = services.reply(thread, animateur, body="Autre réponse")
    paris = timezone.localtime(post.created_at)
    time = f"{paris.hour} h {paris.minute:02d}"
    client.force_login(member)
    urls = [
        thread.get_absolute_url(),
        group.get_absolute_url(),
        reverse("groups:questions", args=[group.slug]),
        reverse("notifications:list"),
        reverse("groups:delete_post", args=[group.slug, w["thread"].posts.first().pk]),
    ]
    for url in urls:
        # No-break spaces keep « 21 h 59 » on one line.
        text = page_text(client.get(url)).replace("\u00a0", " ").replace("\u202f", " ")
        assert time in text, url
        assert not re.search(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}h\d{2}\b", text), url
    [message] = [m for m in mail.outbox if m.to == [member.email]]
    for body in (message.body, message.alternatives[0][0]):
        body = body.replace("\u00a0", " ").replace("\u202f", " ")
        assert time in body
        assert not re.search(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}h\d{2}\b", body)


# --- F14: one link per attachment for screen readers and the keyboard ---------------------------


def test_an_image_attachment_is_one_link_for_assistive_technologies(client, w):  # noqa: F811
    from bs4 import BeautifulSoup

    client.force_login(w["member"])
    soup = BeautifulSoup(client.get(w["thread"].get_absolute_url()).content, "html.parser")
    image = w["image"]
    links = soup.select(f'a[href="{image.get_download_url()}"]')
    assert len(links) == 2  # the thumbnail and the name
    reachable = [a for a in links if a.get("aria-hidden") != "true" and a.get("tabindex") != "-1"]
    assert len(reachable) == 1 and "capture.png" in reachable[0].get_text()
    thumb = next(a for a in links if a not in reachable)
    assert thumb.img["alt"] == ""


# --- F15: the audit log names its targets in French ---------------------------------------------


def test_audit_log_names_target_types_in_french(client, w, anct_user):  # noqa: F811
    from audit.models import AuditEntry
    from tests.utils import page_text

    services.hide_post(w["reply"], w["animateur"])  # a "groups.post" line
    services.set_role(w["group"], w["member"], Role.ANIMATEUR, actor=w["animateur"])
    assert AuditEntry.objects.filter(target_type="groups.post").exists()
    assert AuditEntry.objects.filter(target_type="groups.membership").exists()
    client.force_login(anct_user)
    text = page_text(client.get("/admin/journal-audit/"))
    assert "Message" in text and "Adhésion" in text
    assert "groups.post" not in text and "groups.membership" not in text
    entry = AuditEntry.objects.filter(target_type="groups.post").first()
    inspect = page_text(client.get(f"/admin/journal-audit/inspect/{entry.pk}/"))
    assert "Message" in inspect and "groups.post" not in inspect


# --- F7: editing a message: attachments, title, « question », hint, labels ---------------------


def test_editing_changes_attachments_title_and_question(client, w):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    from groups.models import Attachment
    from tests.utils import page_text

    group, thread, reply, animateur, member = (
        w["group"], w["thread"], w["reply"], w["animateur"], w["member"],
    )  # fmt: skip
    # A reply: its attachments, no title or question box.
    client.force_login(animateur)
    url = reverse("groups:edit_post", args=[group.slug, reply.pk])
    page = client.get(url).content.decode()
    text = page_text(client.get(url))
    assert "Pour mentionner un membre" in text
    assert "Retirer « modele.pdf »" in text and "Retirer « capture.png »" in text
    assert 'name="title"' not in page and 'name="is_question"' not in page
    assert "Revenir sans enregistrer" in text and ">Annuler<" not in page
    response = client.post(
        url,
        {
            "body": "<p>Voici le bon modèle.</p>",
            "remove": [str(w["pdf"].pk)],
            "files": [SimpleUploadedFile("bon-modele.pdf", PDF)],
        },
    )
    assert response.status_code == 302
    names = set(reply.attachments.values_list("original_name", flat=True))
    assert names == {"capture.png", "bon-modele.pdf"}
    # A refused file changes nothing, says why, and keeps the text.
    response = client.post(
        url,
        {
            "body": "<p>Encore</p>",
            "remove": [str(w["image"].pk)],
            "files": [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 50)],
        },
    )
    assert "« virus.pdf » n’est pas d’un format accepté" in page_text(response)
    assert reply.attachments.count() == 2
    reply.refresh_from_db()
    assert reply.body_html == "<p>Voici le bon modèle.</p>"
    # Someone else's attachment cannot be removed through one's own post.
    other = services.reply(thread, member, body="x", files=[SimpleUploadedFile("a.pdf", PDF)])
    client.post(url, {"body": "<p>Voici</p>", "remove": [str(other.attachments.get().pk)]})
    assert other.attachments.count() == 1

    # The opening message: title and « question » can be changed; unticking drops the solution.
    services.mark_solution(thread, reply, member)
    client.force_login(member)
    url = reverse("groups:edit_post", args=[group.slug, thread.posts.get(is_opening=True).pk])
    page = client.get(url).content.decode()
    assert 'name="title"' in page and 'name="is_question"' in page
    # Unticking a solved question is confirmed first (walk 12g N2).
    client.post(
        url,
        {
            "title": "Bilan annuel : qui a un modèle ?",
            "body": "<p>Je bloque.</p>",
            "drop_solution": "on",
        },
    )
    thread.refresh_from_db()
    assert thread.title == "Bilan annuel : qui a un modèle ?"
    assert not thread.is_question and thread.solution is None
    client.post(url, {"title": thread.title, "body": "<p>Je bloque.</p>", "is_question": "on"})
    thread.refresh_from_db()
    assert thread.is_question
    assert Attachment.objects.filter(original_name="modele.pdf").count() == 0
