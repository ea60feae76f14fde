"""Walk 12g (writing in groups, third blind walk): mentions without accents, unticking a
solved question, refused SVG wording, drafts after a refused file, documents paginated."""

from django.urls import reverse

from groups import services
from tests.factories import UserFactory
from tests.groups.test_writing import w  # noqa: F401 (fixture)

# --- N1: mentions ignore accents -----------------------------------------------------------------


def _accented(w):  # noqa: F811
    group = w["group"]
    ines = UserFactory(cite=group.cite, partner=True, first_name="Inès", last_name="Benali")
    elodie = UserFactory(cite=group.cite, partner=True, first_name="Élodie", last_name="Delattre")
    services.add_member(group, ines)
    services.add_member(group, elodie)
    return ines, elodie


def test_suggestions_ignore_accents(client, w):  # noqa: F811
    _accented(w)
    client.force_login(w["member"])
    url = reverse("groups:member_suggestions", args=[w["group"].slug])

    def names(q):
        return [m["name"] for m in client.get(url, {"q": q}).json()["members"]]

    assert names("Ines") == ["Inès Benali"]
    assert names("elodie") == ["Élodie Delattre"]
    assert names("Elo") == ["Élodie Delattre"]
    assert names("ÉLODIE del") == ["Élodie Delattre"]
    assert names("benali") == ["Inès Benali"]
    assert names("Inès") == ["Inès Benali"]
    assert names("zzz") == []


def test_typed_mention_without_accents_links_and_notifies(client, w):  # noqa: F811
    from notifications.models import Notification

    ines, elodie = _accented(w)
    group, thread = w["group"], w["thread"]
    client.force_login(w["member"])
    client.post(thread.get_absolute_url(), {"body": "Merci @Ines Benali et @elodie delattre."})
    post = thread.posts.latest("pk")
    assert post.body_html == (
        f'<p>Merci <a href="{services.mention_url(group, ines)}" rel="nofollow noopener">'
        f"@Inès Benali</a> et "
        f'<a href="{services.mention_url(group, elodie)}" rel="nofollow noopener">'
        "@Élodie Delattre</a>.</p>"
    )
    assert set(post.mentions.all()) == {ines, elodie}
    for user in (ines, elodie):
        assert Notification.objects.filter(recipient=user, kind="mention").count() == 1


# --- N2: unticking « C'est une question » on a solved question asks, then withdraws cleanly -----


def test_unticking_a_solved_question_asks_then_withdraws_the_solution_notice(
    client,
    w,  # noqa: F811
):
    from notifications.models import Notification
    from tests.utils import page_text

    group, thread, reply, member, animateur = (
        w["group"],
        w["thread"],
        w["reply"],
        w["member"],
        w["animateur"],
    )
    services.mark_solution(thread, reply, member)
    notices = Notification.objects.filter(recipient=animateur, kind="solution")
    assert notices.count() == 1
    opening = thread.posts.get(is_opening=True)
    url = reverse("groups:edit_post", args=[group.slug, opening.pk])
    client.force_login(member)
    page = page_text(client.get(url))
    assert "La réponse de Anne Animatrice est la solution de cette question." in page
    data = {"title": thread.title, "body": "<p>Je bloque.</p>"}
    response = client.post(url, data)  # unticked, not confirmed: asked, nothing changed
    assert response.status_code == 200
    assert "Confirmez le retrait de la solution en cochant cette case" in page_text(response)
    thread.refresh_from_db()
    assert thread.is_question and thread.solution == reply and notices.count() == 1
    # Ticked again with the confirmation box left ticked: nothing to remove, still solved.
    client.post(url, {**data, "is_question": "on", "drop_solution": "on"})
    thread.refresh_from_db()
    assert thread.is_question and thread.solution == reply and notices.count() == 1
    # Confirmed: no longer a question, the solution and its notice go.
    client.post(url, {**data, "drop_solution": "on"})
    thread.refresh_from_db()
    assert not thread.is_question and thread.solution is None and notices.count() == 0
    # A question again: without a solution, consistently, and nothing asked any more.
    client.post(url, {**data, "is_question": "on"})
    thread.refresh_from_db()
    assert thread.is_question and thread.solution is None
    assert "drop_solution" not in client.get(url).content.decode()
    assert thread in services.unresolved_questions([group])


def test_changing_or_deleting_the_solution_withdraws_its_notice(w):  # noqa: F811
    from notifications.models import Notification

    thread, reply, member, animateur = w["thread"], w["reply"], w["member"], w["animateur"]
    notices = Notification.objects.filter(recipient=animateur, kind="solution")
    services.mark_solution(thread, reply, member)
    services.mark_solution(thread, None, member)
    assert notices.count() == 0
    services.mark_solution(thread, reply, member)
    services.delete_post(reply, animateur)
    assert notices.count() == 0


# --- N7: no « Brouillon repris » on a form sent back; N8: the SVG refusal says why ---------------


def test_refused_svg_says_why_and_the_form_sent_back_is_not_a_resumed_draft(client, w):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.utils import page_text

    group, member = w["group"], w["member"]
    client.force_login(member)
    url = reverse("groups:new_thread", args=[group.slug])
    services.save_draft(member, group, title="Logo", body="<p>Voici le logo</p>")
    assert "Brouillon repris (enregistré le" in page_text(client.get(url))
    svg = SimpleUploadedFile(
        "dessin.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>'
    )
    response = client.post(url, {"title": "Logo", "body": "<p>Voici le logo</p>", "files": [svg]})
    text = page_text(response)
    assert (
        "« dessin.svg » est une image SVG, qui n’est pas acceptée (elle peut contenir du code) : "
        "enregistrez-la en PNG ou en JPEG" in text
    )
    assert "images JPEG, PNG, GIF ou WebP" in text
    assert "Brouillon repris" not in text
    assert not group.threads.filter(title="Logo").exists()


# --- N11: titles' « ? » kept on its line, the recent activity follows renames and deletions ------


def test_title_question_mark_and_recent_activity(client, w):  # noqa: F811
    from commons.french import typographic_spaces
    from groups.models import Activity

    assert typographic_spaces("Une convention de stage ?") == "Une convention de stage\u00a0?"
    assert typographic_spaces("« Mobilis » : oui !") == "«\u00a0Mobilis\u00a0»\u00a0: oui\u00a0!"
    group, thread, reply, member, animateur = (
        w["group"],
        w["thread"],
        w["reply"],
        w["member"],
        w["animateur"],
    )
    client.force_login(member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Comment remplir le bilan\u00a0?" in page
    opening = thread.posts.get(is_opening=True)
    client.post(
        reverse("groups:edit_post", args=[group.slug, opening.pk]),
        {"title": "Le bilan annuel ?", "body": "<p>Je bloque.</p>", "is_question": "on"},
    )
    titles = set(Activity.objects.filter(group=group).values_list("target_title", flat=True))
    assert "Comment remplir le bilan ?" not in titles and "Le bilan annuel ?" in titles
    second = services.reply(thread, member, body="<p>Merci</p>")
    replies = Activity.objects.filter(group=group, verb=Activity.Verb.REPLY)
    assert replies.count() == 2
    services.delete_post(second, member)
    services.hide_post(reply, animateur)
    assert replies.count() == 0
