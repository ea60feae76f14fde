"""The audit log: written by group and chat moderation, read-only in the Wagtail admin."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEntry
from audit.services import record_action
from cafes_cites import services as cafes_services
from cafes_cites.models import ChatMessage, Session
from groups import services as group_services
from groups.models import Access, JoinRequest, Role
from tests.factories import CiteFactory, UserFactory, make_anct_user
from tests.utils import page_text


@pytest.fixture
def group_world():
    cite = CiteFactory()
    group = cite.group
    animateur = UserFactory(cite=cite, coordinator=True, first_name="Anne", last_name="Anim")
    member = UserFactory(cite=cite, partner=True, first_name="Marc", last_name="Membre")
    group_services.add_member(group, animateur, role=Role.ANIMATEUR)
    group_services.add_member(group, member)
    thread = group_services.create_thread(group, member, title="Sujet", body="Bonjour")
    return {"group": group, "animateur": animateur, "member": member, "thread": thread}


def test_hiding_a_post_through_the_view_is_logged_with_the_ip(client, group_world):
    post = group_world["thread"].posts.get()
    client.force_login(group_world["animateur"])
    url = reverse("groups:hide_post", args=[group_world["group"].slug, post.pk])
    client.post(url, {"hidden": "1"}, REMOTE_ADDR="203.0.113.7")
    client.post(url, {"hidden": "0"})
    hide, unhide = AuditEntry.objects.order_by("pk")
    assert hide.action == Action.POST_HIDE and unhide.action == Action.POST_UNHIDE
    assert hide.actor == group_world["animateur"]
    assert "Anne Anim" in hide.actor_label
    assert (hide.target_type, hide.target_id) == ("groups.post", str(post.pk))
    assert hide.details["group"] == group_world["group"].slug
    assert hide.ip_address == "203.0.113.7"


def test_member_management_is_logged(group_world):
    group, animateur, member = (group_world[k] for k in ("group", "animateur", "member"))
    group_services.set_role(group, member, Role.ANIMATEUR, actor=animateur)
    group_services.set_role(group, member, Role.MEMBRE, actor=animateur)
    group_services.remove_member(group, member, actor=animateur)
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [Action.MEMBER_ROLE, Action.MEMBER_ROLE, Action.MEMBER_REMOVE]
    role_change = AuditEntry.objects.filter(action=Action.MEMBER_ROLE).order_by("pk").first()
    assert role_change.details == {
        "group": group.slug,
        "user_id": member.pk,
        "from": "membre",
        "to": "animateur",
    }
    assert AuditEntry.objects.get(action=Action.MEMBER_REMOVE).ip_address is None  # no request


def test_leaving_a_group_is_not_moderation(group_world):
    group_services.leave_group(group_world["group"], group_world["member"])
    assert not AuditEntry.objects.exists()


def test_join_request_decisions_are_logged():
    group = group_services.create_group(name="Mobilité", access=Access.ON_REQUEST)
    animateur, a, b = UserFactory(), UserFactory(), UserFactory()
    group_services.add_member(group, animateur, role=Role.ANIMATEUR)
    for user, approve in ((a, True), (b, False)):
        request = group_services.request_to_join(group, user)
        group_services.decide_join_request(request, approve=approve, actor=animateur)
    approve_entry = AuditEntry.objects.get(action=Action.REQUEST_APPROVE)
    refuse_entry = AuditEntry.objects.get(action=Action.REQUEST_REFUSE)
    assert approve_entry.target_type == "groups.joinrequest"
    assert refuse_entry.target_id == str(JoinRequest.objects.get(user=b).pk)


def test_chat_moderation_is_logged():
    now = timezone.now()
    session = Session.objects.create(
        title="Café",
        start=now - datetime.timedelta(minutes=5),
        end=now + datetime.timedelta(hours=1),
    )
    moderator, talker = make_anct_user(), UserFactory()
    cafes_services.register(talker, session)
    cafes_services.post_message(talker, session.pk, "Un message", "1" * 32)
    message = ChatMessage.objects.get()
    cafes_services.delete_message(moderator, session.pk, message.room_id)
    cafes_services.mute_user(moderator, session.pk, talker.pk)
    cafes_services.mute_user(moderator, session.pk, talker.pk)  # already muted: no new entry
    delete = AuditEntry.objects.get(action=Action.CHAT_DELETE)
    assert delete.actor == moderator
    assert delete.details == {"session": session.pk, "room_id": 1, "author_id": talker.pk}
    mute = AuditEntry.objects.get(action=Action.CHAT_MUTE)
    assert mute.details["user_id"] == talker.pk


# --- Wagtail admin ------------------------------------------------------------------------------

LIST_URL = "/admin/journal-audit/"


@pytest.fixture
def entries(group_world):
    record_action(group_world["animateur"], Action.POST_HIDE, group_world["thread"].posts.get())
    record_action(None, Action.GROUP_ORPHANED, group_world["group"])


def test_audit_urls_by_role(role_client, entries):
    entry = AuditEntry.objects.first()
    urls = [LIST_URL, f"{LIST_URL}inspect/{entry.pk}/", f"{LIST_URL}?action=group.orphaned"]
    for url in urls:
        response = role_client.get(url)
        if role_client.role == "anct_user":
            assert response.status_code == 200, url
        elif role_client.role == "anonymous":
            assert response.status_code == 302, (role_client.role, url)  # to the login page
        else:  # logged in without admin rights: a French refusal, not a redirect loop
            assert response.status_code == 403, (role_client.role, url)


def test_anct_lists_and_filters_the_log(client, anct_user, entries):
    client.force_login(anct_user)
    text = page_text(client.get(LIST_URL))
    assert "Message masqué" in text and "Groupe resté sans animateur" in text
    # The results fragment (what the filters refresh) lists only the matching entries.
    filtered = page_text(client.get(f"{LIST_URL}results/", {"action": "group.orphaned"}))
    assert "Groupe resté sans animateur" in filtered
    assert "Message masqué" not in filtered
    menu = page_text(client.get("/admin/"))
    assert "Journal d'audit" in menu
    history = reverse("wagtailadmin_reports:site_history")
    assert history in menu
    assert client.get(history).status_code == 200


@pytest.mark.parametrize("superuser", [False, True])
def test_nobody_edits_the_log(client, entries, superuser):
    user = UserFactory(is_superuser=True, is_staff=True) if superuser else make_anct_user()
    client.force_login(user)
    entry = AuditEntry.objects.first()
    for url in (f"{LIST_URL}new/", f"{LIST_URL}edit/{entry.pk}/", f"{LIST_URL}delete/{entry.pk}/"):
        assert client.get(url).status_code in (302, 403), url
        client.post(url, {})
    assert AuditEntry.objects.count() == 2
    assert client.get(LIST_URL).status_code == 200
