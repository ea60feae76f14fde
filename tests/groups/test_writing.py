"""Writing in groups (issue 12): the rich-text body, attachments, mentions, questions with a
solution, drafts. Every new URL for each role; raw POSTs that bypass the editor."""

import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from commons.html import ALLOWED_TAGS
from groups import services
from groups.models import Attachment, Draft, Post, Role, Thread
from notifications.models import Notification
from tests.cde_site.test_security import PAYLOADS
from tests.factories import CiteFactory, UserFactory, make_anct_user
from tests.utils import comparable, page_text

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def png_bytes(size=(800, 600)):
    output = io.BytesIO()
    Image.new("RGB", size, "orange").save(output, format="PNG")
    return output.getvalue()


@pytest.fixture
def w(settings, tmp_path):
    """A cité group: an animateur, a member, a question with a reply carrying two attachments;
    outsiders: a professional, a coordinator of another cité, ANCT staff."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    cite = CiteFactory()
    group = cite.group
    animateur = UserFactory(cite=cite, coordinator=True, first_name="Anne", last_name="Animatrice")
    member = UserFactory(cite=cite, partner=True, first_name="Marc", last_name="Membre")
    services.add_member(group, animateur, role=Role.ANIMATEUR)
    services.add_member(group, member)
    thread = services.create_thread(
        group,
        member,
        title="Comment remplir le bilan ?",
        body="<p>Je bloque.</p>",
        is_question=True,
    )
    reply = services.reply(
        thread,
        animateur,
        body="<p>Voici le modèle.</p>",
        files=[
            SimpleUploadedFile("modele.pdf", PDF),
            SimpleUploadedFile("capture.png", png_bytes()),
        ],
    )
    return {
        "group": group,
        "thread": thread,
        "reply": reply,
        "pdf": reply.attachments.get(original_name="modele.pdf"),
        "image": reply.attachments.get(original_name="capture.png"),
        "animateur": animateur,
        "member": member,
        "professional": UserFactory(),
        "non_member": UserFactory(cite=CiteFactory(), coordinator=True),
        "anct": make_anct_user(),
    }


def read_urls(w):
    s = w["group"].slug
    return [
        reverse("groups:attachment", args=[s, w["pdf"].pk]),
        reverse("groups:attachment", args=[s, w["image"].pk]),
        reverse("groups:attachment_thumbnail", args=[s, w["image"].pk]),
        reverse("groups:member_suggestions", args=[s]) + "?q=an",
        reverse("groups:questions", args=[s]),
    ]


ROLE_STATUS = [
    ("anonymous", 302),
    ("professional", 404),
    ("non_member", 404),
    ("anct", 404),
    ("member", 200),
    ("animateur", 200),
]


@pytest.mark.parametrize("role, expected", ROLE_STATUS)
def test_new_read_urls_by_role(client, w, role, expected):
    if role != "anonymous":
        client.force_login(w[role])
    for url in read_urls(w):
        response = client.get(url)
        assert response.status_code == expected, (role, url)
        if expected == 302:
            assert reverse("account_login") in response["Location"]
        if expected == 200:
            assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("role, expected", ROLE_STATUS)
def test_my_questions_by_role(client, w, role, expected):
    if role != "anonymous":
        client.force_login(w[role])
    response = client.get(reverse("groups:my_questions"))
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    shown = "Comment remplir le bilan" in page_text(response)
    assert shown == (role in ("member", "animateur")), role


@pytest.mark.parametrize(
    "role, expected",
    [
        ("anonymous", 302),
        ("professional", 404),
        ("non_member", 404),
        ("anct", 404),
        ("member", 200),
        ("animateur", 200),
    ],
)
def test_draft_endpoint_by_role(client, w, role, expected):
    if role != "anonymous":
        client.force_login(w[role])
    url = reverse("groups:save_draft", args=[w["group"].slug])
    response = client.post(url, {"body": "<p>En cours</p>", "thread": w["thread"].pk})
    assert response.status_code == expected
    stored = Draft.objects.filter(thread=w["thread"]).exists()
    assert stored == (expected == 200)


@pytest.mark.parametrize(
    "role, expected",
    [
        ("anonymous", 302),
        ("professional", 404),
        ("non_member", 404),
        ("anct", 404),
        ("member", 302),  # the question's author
        ("animateur", 302),
    ],
)
def test_mark_solution_by_role(client, w, role, expected):
    if role != "anonymous":
        client.force_login(w[role])
    url = reverse("groups:mark_solution", args=[w["group"].slug, w["thread"].pk])
    response = client.post(url, {"post": w["reply"].pk})
    assert response.status_code == expected
    w["thread"].refresh_from_db()
    assert (w["thread"].solution_id == w["reply"].pk) == (role in ("member", "animateur"))


def test_a_member_who_did_not_ask_cannot_mark_the_solution(client, w):
    other = UserFactory(cite=w["group"].cite, partner=True)
    services.add_member(w["group"], other)
    client.force_login(other)
    url = reverse("groups:mark_solution", args=[w["group"].slug, w["thread"].pk])
    assert client.post(url, {"post": w["reply"].pk}).status_code == 404
    w["thread"].refresh_from_db()
    assert w["thread"].solution is None


def test_solution_is_shown_first_with_a_badge_and_leaves_unanswered_lists(client, w):
    group, thread = w["group"], w["thread"]
    later = services.reply(thread, w["member"], body="Merci, je regarde.")
    client.force_login(w["member"])
    assert "Comment remplir" in page_text(
        client.get(reverse("groups:questions", args=[group.slug]))
    )
    url = reverse("groups:mark_solution", args=[group.slug, thread.pk])
    # Only a visible reply of this thread: not the opening post, not another thread's post.
    client.post(url, {"post": thread.posts.get(is_opening=True).pk})
    thread.refresh_from_db()
    assert thread.solution is None
    client.post(url, {"post": w["reply"].pk})
    thread.refresh_from_db()
    assert thread.solution == w["reply"]
    assert Notification.objects.filter(recipient=w["animateur"], kind="solution").count() == 1
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "Résolu" in html
    assert html.index(f'id="message-{w["reply"].pk}"') < html.index(f'id="message-{later.pk}"')
    assert html.index("Voici le modèle") < html.index("Merci, je regarde")
    for page in [reverse("groups:questions", args=[group.slug]), reverse("groups:my_questions")]:
        assert "Comment remplir" not in page_text(client.get(page))
    client.post(url, {})  # clears it
    thread.refresh_from_db()
    assert thread.solution is None


def test_attachments_are_listed_served_and_thumbnailed(client, w):
    client.force_login(w["member"])
    page = client.get(w["thread"].get_absolute_url()).content.decode()
    assert w["pdf"].get_download_url() in page and w["image"].get_thumbnail_url() in page
    documents = client.get(reverse("groups:documents", args=[w["group"].slug]))
    assert "Pièces jointes" in page_text(documents) and "modele.pdf" in page_text(documents)
    pdf = client.get(w["pdf"].get_download_url())
    assert b"".join(pdf.streaming_content) == PDF
    assert pdf["Content-Type"] == "application/pdf" and "attachment" in pdf["Content-Disposition"]
    assert pdf["X-Content-Type-Options"] == "nosniff"
    thumb = client.get(w["image"].get_thumbnail_url())
    assert thumb["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(thumb.streaming_content)))
    assert max(image.size) <= 320


def test_private_attachment_and_missing_one_look_the_same(client, w):
    client.force_login(w["non_member"])
    private = w["pdf"].get_download_url()
    missing = reverse("groups:attachment", args=[w["group"].slug, 999999])
    a, b = client.get(private), client.get(missing)
    assert a.status_code == b.status_code == 404
    assert comparable(a, private) == comparable(b, missing)


def test_hidden_and_deleted_posts_hide_their_attachments(
    client, w, django_capture_on_commit_callbacks
):
    services.hide_post(w["reply"], w["animateur"], hidden=True)
    client.force_login(w["member"])
    assert client.get(w["pdf"].get_download_url()).status_code == 404
    client.force_login(w["animateur"])
    assert client.get(w["pdf"].get_download_url()).status_code == 200
    services.hide_post(w["reply"], w["animateur"], hidden=False)
    storage, name = w["pdf"].file.storage, w["pdf"].file.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("groups:delete_post", args=[w["group"].slug, w["reply"].pk]),
            {"confirmer": "1"},
        )
    assert not Attachment.objects.filter(post=w["reply"]).exists()
    assert not storage.exists(name)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("rapport.pdf", b"<script>alert(1)</script>", "« rapport.pdf » n’est pas d’un format"),
        ("photo.png", b"MZ\x90\x00" + b"\x00" * 100, "« photo.png » n’est pas d’un format"),
        ("bilan.docx", PDF, "« bilan.docx » ne contient pas ce qu’annonce son nom"),
        ("vide.pdf", b"", "« vide.pdf » est vide"),
    ],
)
def test_disguised_attachments_are_refused_and_nothing_is_stored(client, w, name, content, message):
    client.force_login(w["member"])
    before = (Post.objects.count(), Attachment.objects.count())
    files_before = sorted(p.name for p in w["group"].cite and _stored_files())
    response = client.post(
        w["thread"].get_absolute_url(),
        {"body": "Avec une pièce jointe", "files": [SimpleUploadedFile(name, content)]},
    )
    assert response.status_code == 200
    assert message in page_text(response)
    assert (Post.objects.count(), Attachment.objects.count()) == before
    assert sorted(p.name for p in _stored_files()) == files_before


def _stored_files():
    from django.conf import settings

    return [p for p in settings.PRIVATE_MEDIA_ROOT.rglob("*") if p.is_file()]


def test_oversize_and_too_many_attachments_are_refused(client, w, settings):
    settings.GROUP_DOCUMENT_MAX_BYTES = 1000
    client.force_login(w["member"])
    count = Attachment.objects.count()
    response = client.post(
        reverse("groups:new_thread", args=[w["group"].slug]),
        {"title": "Gros", "body": "Fichier", "files": [SimpleUploadedFile("gros.pdf", PDF * 50)]},
    )
    assert "« gros.pdf » pèse" in page_text(response)
    settings.GROUP_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
    settings.GROUP_POST_MAX_ATTACHMENTS = 2
    response = client.post(
        w["thread"].get_absolute_url(),
        {"body": "Trop", "files": [SimpleUploadedFile(f"f{n}.pdf", PDF) for n in range(3)]},
    )
    assert "2 au maximum" in page_text(response)
    assert Attachment.objects.count() == count
    assert not Thread.objects.filter(title="Gros").exists()


def test_new_thread_as_question_with_attachments(client, w):
    client.force_login(w["member"])
    response = client.post(
        reverse("groups:new_thread", args=[w["group"].slug]),
        {
            "title": "Une question",
            "body": "<p><strong>Qui</strong> connaît ?</p>",
            "is_question": "on",
            "files": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", png_bytes())],
        },
    )
    thread = Thread.objects.get(title="Une question")
    assert response.status_code == 302 and thread.is_question
    post = thread.posts.get()
    assert post.body_html == "<p><strong>Qui</strong> connaît ?</p>"
    assert sorted(a.original_name for a in post.attachments.all()) == ["a.pdf", "b.png"]
    links = services.post_attachment_links(post, base_url="https://cites.example.org")
    assert [link["url"].startswith("https://cites.example.org/groupes/") for link in links] == [
        True,
        True,
    ]


def test_plain_text_still_becomes_paragraphs_and_old_posts_render(client, w):
    client.force_login(w["member"])
    client.post(w["thread"].get_absolute_url(), {"body": "Ligne un\nligne deux\n\nParagraphe"})
    post = w["thread"].posts.latest("pk")
    assert post.body_html == "<p>Ligne un<br>ligne deux</p><p>Paragraphe</p>"
    old = Post.objects.create(
        thread=w["thread"], author=w["member"], body_html="<p>Ancien <u>message</u></p>"
    )
    assert "Ancien <u>message</u>" in client.get(w["thread"].get_absolute_url()).content.decode()
    assert old.pk


def test_forms_use_the_editor_without_the_old_html_hint(client, w):
    client.force_login(w["member"])
    html = client.get(reverse("groups:new_thread", args=[w["group"].slug])).content.decode()
    assert "data-rich-text" in html and "HTML courant" not in html
    assert reverse("groups:member_suggestions", args=[w["group"].slug]) in html
    assert 'type="importmap"' not in html and "commons/editor.js" in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_corpus_through_raw_posts(client, w, payload, settings):
    settings.GROUP_POST_RATE_COUNT = 0
    client.force_login(w["member"])
    client.post(w["thread"].get_absolute_url(), {"body": f"Texte {payload}"})
    post = w["thread"].posts.latest("pk")
    # Parsed as a browser would: only allow-listed tags, no event handler, no script URL (the
    # text of a payload may remain, escaped: it is then inert text).
    found = []

    class Check(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in ALLOWED_TAGS:
                found.append(tag)
            for name, value in attrs:
                url = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
                if name.startswith("on") or url.startswith(("javascript:", "data:", "vbscript:")):
                    found.append(f"{tag}[{name}]")

    Check().feed(post.body_html)
    assert found == [], (payload, post.body_html)


def test_mentions_from_editor_links_notify_once_and_only_members(client, w):
    group, thread, animateur, member = w["group"], w["thread"], w["animateur"], w["member"]
    outsider = w["non_member"]
    link = services.mention_url(group, animateur)
    stranger = services.mention_url(group, outsider)
    client.force_login(member)
    body = f'<p>Bonjour <a href="{link}">@Anne Animatrice</a> et <a href="{stranger}">@X</a></p>'
    client.post(thread.get_absolute_url(), {"body": body})
    post = thread.posts.latest("pk")
    assert f'href="{link}"' in post.body_html
    assert list(post.mentions.all()) == [animateur]
    mentions = Notification.objects.filter(kind="mention")
    assert list(mentions.values_list("recipient", flat=True)) == [animateur.pk]
    assert not Notification.objects.filter(recipient=outsider).exists()
    # Editing keeps the mention: no second notification; a newly mentioned member gets one.
    third = UserFactory(cite=group.cite, partner=True, first_name="Zoé", last_name="Zèbre")
    services.add_member(group, third)
    edit = reverse("groups:edit_post", args=[group.slug, post.pk])
    third_link = services.mention_url(group, third)
    client.post(edit, {"body": body + f'<p><a href="{third_link}">@Zoé Zèbre</a></p>'})
    client.post(edit, {"body": body + f'<p><a href="{third_link}">@Zoé Zèbre</a> !</p>'})
    assert Notification.objects.filter(kind="mention", recipient=animateur).count() == 1
    assert Notification.objects.filter(kind="mention", recipient=third).count() == 1


def test_member_suggestions_filter_and_shape(client, w):
    client.force_login(w["member"])
    url = reverse("groups:member_suggestions", args=[w["group"].slug])
    data = json.loads(client.get(url, {"q": "anne anim"}).content)
    assert data == {
        "members": [
            {
                "id": w["animateur"].pk,
                "name": "Anne Animatrice",
                "detail": w["animateur"].organisation or "",
                "url": services.mention_url(w["group"], w["animateur"]),
            }
        ]
    }
    # Everyone but oneself (the group has two members).
    everyone = json.loads(client.get(url).content)["members"]
    assert [m["id"] for m in everyone] == [w["animateur"].pk]


def test_drafts_are_restored_and_deleted_on_publish(client, w):
    group, thread = w["group"], w["thread"]
    client.force_login(w["member"])
    url = reverse("groups:save_draft", args=[group.slug])
    saved = client.post(
        url, {"title": "Brouillon de sujet", "body": "<p>Début <script>x()</script></p>"}
    )
    client.post(url, {"thread": thread.pk, "body": "<p>Réponse en cours</p>", "is_question": "on"})
    draft = Draft.objects.get(user=w["member"], thread=None)
    assert draft.body == "<p>Début </p>" and not draft.is_question
    # The time the page shows, in Paris and in the form of the "Brouillon repris" line.
    paris = timezone.localtime(draft.updated_at)
    assert json.loads(saved.content)["time"] == f"{paris.hour} h {paris.minute:02d}"
    assert not Draft.objects.get(thread=thread).is_question  # a reply is never a question
    new_page = client.get(reverse("groups:new_thread", args=[group.slug])).content.decode()
    assert "Brouillon de sujet" in new_page and "Brouillon repris" in new_page
    assert "Réponse en cours" in client.get(thread.get_absolute_url()).content.decode()
    # Other users do not see it.
    client.force_login(w["animateur"])
    assert "Réponse en cours" not in client.get(thread.get_absolute_url()).content.decode()
    client.force_login(w["member"])
    client.post(thread.get_absolute_url(), {"thread": thread.pk, "body": "<p>Publiée</p>"})
    assert not Draft.objects.filter(user=w["member"], thread=thread).exists()
    client.post(
        reverse("groups:new_thread", args=[group.slug]), {"title": "Sujet", "body": "Publié"}
    )
    assert not Draft.objects.filter(user=w["member"]).exists()
    # An emptied draft is removed; too long a draft is refused in French.
    client.post(url, {"thread": thread.pk, "body": "<p>x</p>"})
    client.post(url, {"thread": thread.pk, "body": "<p></p>"})
    assert not Draft.objects.exists()
    response = client.post(url, {"thread": thread.pk, "body": "x" * 30000})
    assert response.status_code == 400 and "trop long" in json.loads(response.content)["error"]
    # A thread of another group: 404.
    other = CiteFactory().group
    services.add_member(other, w["animateur"], role=Role.ANIMATEUR)
    foreign = services.create_thread(other, w["animateur"], title="Ailleurs", body="Autre")
    assert client.post(url, {"thread": foreign.pk, "body": "x"}).status_code == 404


def write_urls(w, post_pk):
    s = w["group"].slug
    return [
        reverse("groups:edit_post", args=[s, post_pk]),
        reverse("groups:delete_post", args=[s, post_pk]),
        reverse("groups:hide_post", args=[s, post_pk]),
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_members_post_answers_like_a_missing_one(client, w, method):
    """The project's rule: what one may not use answers the same 404 as what does not exist."""
    client.force_login(w["member"])
    for private, missing in zip(write_urls(w, w["reply"].pk), write_urls(w, 999999), strict=True):
        a = getattr(client, method)(private, {"body": "<p>Remplacé</p>", "confirmer": "1"})
        b = getattr(client, method)(missing, {"body": "<p>Remplacé</p>", "confirmer": "1"})
        if "masquer" in private and method == "get":
            assert a.status_code == b.status_code == 405
            continue
        assert a.status_code == b.status_code == 404, private
        assert comparable(a, private) == comparable(b, missing)
    w["reply"].refresh_from_db()
    assert w["reply"].body_html == "<p>Voici le modèle.</p>"
    assert w["reply"].deleted_at is None and w["reply"].hidden_at is None


def test_archived_group_refuses_writing_with_the_same_404(client, w):
    group = w["group"]
    group.is_archived = True
    group.save(update_fields=["is_archived"])
    client.force_login(w["member"])
    s = group.slug
    for url, data in [
        (reverse("groups:new_thread", args=[s]), {"title": "T", "body": "x"}),
        (w["thread"].get_absolute_url(), {"body": "x"}),
        (reverse("groups:save_draft", args=[s]), {"body": "x"}),
        (reverse("groups:documents", args=[s]), {"title": "x"}),
    ]:
        assert client.post(url, data).status_code == 404, url
    assert client.get(w["thread"].get_absolute_url()).status_code == 200
    assert w["thread"].posts.count() == 2 and not Draft.objects.exists()


def test_discarding_a_new_thread_draft_asks_first_and_draft_pages_are_not_cached(client, w):
    group = w["group"]
    client.force_login(w["member"])
    services.save_draft(w["member"], group, title="Abandonné", body="<p>Texte</p>")
    url = reverse("groups:new_thread", args=[group.slug])
    page = client.get(url)
    assert "no-store" in page["Cache-Control"]
    assert "no-store" in client.get(w["thread"].get_absolute_url())["Cache-Control"]
    assert "Abandonner ce brouillon" in page_text(page)
    # A submit button that works without JavaScript: first what was typed last is kept and a
    # confirmation is asked, nothing is deleted nor published.
    response = client.post(
        url,
        {
            "title": "Abandonné",
            "body": "<p>Texte repris</p>",
            "is_question": "on",
            "abandonner": "1",
        },
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Abandonner ce brouillon ?" in page_text(response)
    draft = Draft.objects.get(user=w["member"])
    assert draft.body == "<p>Texte repris</p>" and draft.is_question
    # "Reprendre la rédaction" finds it, the question box ticked.
    again = client.get(url).content.decode()
    assert "Texte repris" in again and re.search(r'name="is_question"[^>]*checked', again)
    response = client.post(url, {"abandonner": "1", "confirmer": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == group.get_absolute_url()
    assert "Votre brouillon est abandonné." in page_text(response)
    assert not Draft.objects.exists()
    assert not Thread.objects.filter(title="Abandonné").exists()
    assert "Abandonné" not in client.get(url).content.decode()
