"""The four group views the route coverage gate found never requested (only their services were
called): leave, email_mode, revoke_invitation, change_role, for each role."""

import pytest
from django.urls import reverse

from groups import services
from groups.models import Invitation, Membership, Role
from notifications.models import EmailMode
from tests.groups.test_groups import setting_media, world  # noqa: F401 (fixtures)
from tests.utils import page_text

OUTSIDERS = ["outsider", "anct"]


def _login(client, world, who):  # noqa: F811
    if who != "anonymous":
        client.force_login(world[who])


def _assert_login_redirect(response):
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["anonymous", *OUTSIDERS, "member", "animateur"])
def test_leave_by_role(client, world, who):  # noqa: F811
    group = world["group"]
    _login(client, world, who)
    response = client.post(reverse("groups:leave", args=[group.slug]), follow=who == "animateur")
    if who == "anonymous":
        _assert_login_redirect(response)
    elif who in OUTSIDERS:
        assert response.status_code == 404
    elif who == "member":
        assert response["Location"] == reverse("groups:index")
        assert not Membership.objects.filter(group=group, user=world["member"]).exists()
    else:  # the last animateur cannot leave: a French message, nothing changes
        assert "animateur" in page_text(response).lower()
        assert Membership.objects.filter(group=group, user=world["animateur"]).exists()
    assert Membership.objects.filter(group=group).count() == (1 if who == "member" else 2)


@pytest.mark.parametrize("who", ["anonymous", *OUTSIDERS, "member", "animateur"])
def test_email_mode_by_role(client, world, who):  # noqa: F811
    group = world["group"]
    Membership.objects.filter(group=group).update(email_mode=EmailMode.EACH)
    _login(client, world, who)
    url = reverse("groups:email_mode", args=[group.slug])
    response = client.post(url, {"email_mode": EmailMode.DIGEST})
    if who == "anonymous":
        _assert_login_redirect(response)
    elif who in OUTSIDERS:
        assert response.status_code == 404
    else:
        assert response["Location"] == reverse("groups:members", args=[group.slug])
        membership = Membership.objects.get(group=group, user=world[who])
        assert membership.email_mode == EmailMode.DIGEST
        client.post(url, {"email_mode": "n'importe quoi"})  # refused, nothing changes
        membership.refresh_from_db()
        assert membership.email_mode == EmailMode.DIGEST
    modes = set(Membership.objects.filter(group=group).values_list("email_mode", flat=True))
    assert (EmailMode.DIGEST in modes) == (who in ("member", "animateur"))


@pytest.mark.parametrize("who", ["anonymous", *OUTSIDERS, "member", "animateur"])
def test_revoke_invitation_by_role(client, world, who):  # noqa: F811
    group = world["group"]
    invitation = services.invite(group, "invitee@example.org", actor=world["animateur"])
    _login(client, world, who)
    response = client.post(reverse("groups:revoke_invitation", args=[group.slug, invitation.pk]))
    invitation.refresh_from_db()
    if who == "anonymous":
        _assert_login_redirect(response)
    elif who in OUTSIDERS or who == "member":
        assert response.status_code == 404
    else:
        assert response["Location"] == reverse("groups:members", args=[group.slug])
    expected = Invitation.State.REVOKED if who == "animateur" else Invitation.State.PENDING
    assert invitation.status == expected


@pytest.mark.parametrize("who", ["anonymous", *OUTSIDERS, "member", "animateur"])
def test_change_role_by_role(client, world, who):  # noqa: F811
    group, member = world["group"], world["member"]
    _login(client, world, who)
    url = reverse("groups:change_role", args=[group.slug, member.pk])
    response = client.post(url, {"role": Role.ANIMATEUR})
    if who == "anonymous":
        _assert_login_redirect(response)
    elif who in OUTSIDERS or who == "member":
        assert response.status_code == 404
    else:
        assert response["Location"] == reverse("groups:members", args=[group.slug])
    role = Membership.objects.get(group=group, user=member).role
    assert role == (Role.ANIMATEUR if who == "animateur" else Role.MEMBRE)
