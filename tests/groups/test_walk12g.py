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
