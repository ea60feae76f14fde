"""ANCT runs groups in the Wagtail admin: real admin POSTs, saved through groups.services."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils.html import escape

from accounts.roles import ANCT_GROUP_NAME
from audit.models import Action, AuditEntry
from groups import services
from groups.models import Access, Activity, Group, Kind, Membership, Role
from tests.factories import CiteFactory, UserFactory
from tests.utils import page_text

ADD_URL = "/admin/snippets/groups/group/add/"
INDEX_URL = "/admin/snippets/groups/group/"
CHOOSER_URL = "/admin/groupes/personnes/"


def chosen(client, user):
    """The chooser's answer once a person is picked (the title the widget then shows)."""
    response = client.get(f"{CHOOSER_URL}chosen/{user.pk}/")
    assert response.status_code == 200
    return response.json()["result"]["title"]


def edit_url(group):
    return f"/admin/snippets/groups/group/edit/{group.pk}/"


def group_post(
    *,
    name="Mobilité et permis",
    slug="mobilite-permis",
    kind=Kind.WORKING,
    access=Access.OPEN,
    memberships=(),
    initial=0,
    **extra,
):
    """The admin form as Wagtail's page posts it; memberships: (id or "", user, role, delete)."""
    data = {
        "name": name,
        "slug": slug,
        "kind": kind,
        "access": access,
        "cite": "",
        "description": "Un groupe de travail.",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(initial),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for i, (pk, user, role, delete) in enumerate(memberships):
        data[f"memberships-{i}-id"] = str(pk or "")
        data[f"memberships-{i}-user"] = str(user.pk)
        data[f"memberships-{i}-role"] = role
        if delete:
            data[f"memberships-{i}-DELETE"] = "1"
    return data


def test_migrate_grants_anct_the_group_permissions():
    """As on a fresh database, where groups' post_migrate runs before django.contrib.auth has
    created any permission."""
    Permission.objects.filter(content_type__app_label="groups").delete()
    call_command("migrate", verbosity=0)
    anct = AuthGroup.objects.get(name=ANCT_GROUP_NAME)
    codenames = set(
        anct.permissions.filter(content_type__app_label="groups").values_list("codename", flat=True)
    )
    assert {"add_group", "change_group", "view_group"} <= codenames


def test_anct_creates_a_group_and_names_an_animateur(client, anct_user):
    coordinator = UserFactory(cite=CiteFactory(), coordinator=True)
    partner = UserFactory(partner=True, cite=coordinator.cite)
    client.force_login(anct_user)
    assert client.get(INDEX_URL).status_code == 200
    assert client.get(ADD_URL).status_code == 200
    response = client.post(
        ADD_URL,
        group_post(
            memberships=[
                ("", coordinator, Role.ANIMATEUR, False),
                ("", partner, Role.MEMBRE, False),
            ]
        ),
    )
    assert response.status_code == 302, page_text(response)
    group = Group.objects.get(slug="mobilite-permis")
    assert dict(group.memberships.values_list("user_id", "role")) == {
        coordinator.pk: Role.ANIMATEUR,
        partner.pk: Role.MEMBRE,
    }
    audit = AuditEntry.objects.filter(actor=anct_user)
    assert audit.filter(action=Action.GROUP_CREATE, target_id=str(group.pk)).exists()
    assert audit.filter(action=Action.MEMBER_ADD).count() == 2
    assert Activity.objects.filter(group=group, verb=Activity.Verb.JOINED).count() == 2


def test_national_group_refuses_a_partner_in_french_and_saves_nothing(client, anct_user):
    national = services.ensure_national_group()
    partner = UserFactory(
        partner=True, cite=CiteFactory(), first_name="Paul", last_name="Partenaire"
    )
    client.force_login(anct_user)
    before = AuditEntry.objects.count()
    response = client.post(
        edit_url(national),
        group_post(
            name=national.name,
            slug=national.slug,
            kind=Kind.NATIONAL,
            access=Access.RESERVED,
            memberships=[("", partner, Role.MEMBRE, False)],
        ),
    )
    assert response.status_code == 200
    assert "réservé aux coordonnateurs" in page_text(response)
    assert "Paul Partenaire" in page_text(response)
    assert not national.memberships.exists()
    assert AuditEntry.objects.count() == before
    # Creating one with the same partner: no group is left half-made.
    response = client.post(
        ADD_URL,
        group_post(
            name="Autre national",
            slug="autre-national",
            kind=Kind.NATIONAL,
            access=Access.RESERVED,
            memberships=[("", partner, Role.MEMBRE, False)],
        ),
    )
    assert response.status_code == 200
    assert not Group.objects.filter(slug="autre-national").exists()


def test_admin_edit_changes_roles_and_removes_through_services(client, anct_user):
    group = services.create_group(name="Garde d'enfant", access=Access.OPEN)
    old = UserFactory(first_name="Ancienne", last_name="Animatrice")
    new = UserFactory()
    leaving = UserFactory()
    services.add_member(group, old, role=Role.ANIMATEUR)
    services.add_member(group, new)
    services.add_member(group, leaving)
    m = {u: Membership.objects.get(group=group, user=u).pk for u in (old, new, leaving)}
    client.force_login(anct_user)
    response = client.post(
        edit_url(group),
        group_post(
            name="Garde d'enfant et emploi",
            slug=group.slug,
            memberships=[
                (m[old], old, Role.MEMBRE, False),
                (m[new], new, Role.ANIMATEUR, False),
                (m[leaving], leaving, Role.MEMBRE, True),
            ],
            initial=3,
        ),
    )
    assert response.status_code == 302, page_text(response)
    group.refresh_from_db()
    assert group.name == "Garde d'enfant et emploi"
    assert dict(group.memberships.values_list("user_id", "role")) == {
        old.pk: Role.MEMBRE,
        new.pk: Role.ANIMATEUR,
    }
    actions = list(AuditEntry.objects.filter(actor=anct_user).values_list("action", flat=True))
    assert Action.GROUP_UPDATE in actions
    assert actions.count(Action.MEMBER_ROLE) == 2
    assert Action.MEMBER_REMOVE in actions


def test_admin_cannot_remove_the_last_animateur(client, anct_user):
    group = services.create_group(name="Insertion", access=Access.OPEN)
    animateur = UserFactory()
    services.add_member(group, animateur, role=Role.ANIMATEUR)
    pk = Membership.objects.get(group=group, user=animateur).pk
    client.force_login(anct_user)
    response = client.post(
        edit_url(group),
        group_post(
            name="Insertion",
            slug=group.slug,
            memberships=[(pk, animateur, Role.ANIMATEUR, True)],
            initial=1,
        ),
    )
    assert response.status_code == 200
    assert "au moins un animateur" in page_text(response)
    assert group.memberships.filter(user=animateur, role=Role.ANIMATEUR).exists()


@pytest.mark.parametrize("role", ["anonymous", "professional", "member", "non_member"])
def test_group_admin_is_closed_to_other_roles(client, request, role):
    group = services.create_group(name="Fermé", access=Access.OPEN)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    for url in (INDEX_URL, ADD_URL, edit_url(group)):
        response = client.get(url)
        assert response.status_code in (302, 403), (role, url)
    response = client.post(ADD_URL, group_post())
    assert response.status_code in (302, 403)
    assert not Group.objects.filter(slug="mobilite-permis").exists()


def test_admin_speaks_french_to_anct(client, anct_user):
    """No "False" column, no "User", no "un(e)", no masculine-only "Animateur"; on a new group
    the URL identifier follows the name (Wagtail's title → slug sync)."""
    for name, archived in [("Ancien groupe", True), ("Groupe actif", False)]:
        services.create_group(
            name=name,
            access=Access.OPEN,
            animateurs=[UserFactory()],
            is_archived=archived,
            actor=anct_user,
        )
    client.force_login(anct_user)
    index = page_text(client.get(INDEX_URL))
    assert "Archivé" in index and "Actif" in index
    assert "False" not in index and "True" not in index
    assert "Créer un groupe" in index and "un(e)" not in index
    response = client.get(ADD_URL)
    html, text = response.content.decode(), page_text(response)
    assert "un(e)" not in text and "Ajouter : membre du groupe" in text
    assert "User" not in text and "Personne" in text
    assert "Animateur ou animatrice" in html
    assert 'data-w-sync-target-value="#id_slug"' in html
    assert 'data-controller="w-slug"' in html


def test_people_added_or_named_animateur_in_the_admin_are_told(client, anct_user):
    """The admin goes through services.add_member / set_role: the person added and the one made
    animateur get a notification (and an e-mail), ANCT itself nothing."""
    from notifications.models import Notification

    animatrice = UserFactory(first_name="Amandine")
    membre = UserFactory(first_name="Julien")
    client.force_login(anct_user)
    response = client.post(
        ADD_URL,
        group_post(
            name="Insertion des jeunes",
            slug="insertion-jeunes",
            memberships=[
                ("", animatrice, Role.ANIMATEUR, False),
                ("", membre, Role.MEMBRE, False),
            ],
        ),
    )
    assert response.status_code == 302, page_text(response)
    group = Group.objects.get(slug="insertion-jeunes")
    titles = dict(Notification.objects.values_list("recipient_id", "title"))
    assert titles == {
        animatrice.pk: "Vous animez désormais le groupe « Insertion des jeunes »",
        membre.pk: "Vous êtes désormais membre du groupe « Insertion des jeunes »",
    }
    # Promoted later: told again, once; the demoted animatrice is not.
    m = {u: Membership.objects.get(group=group, user=u).pk for u in (animatrice, membre)}
    response = client.post(
        edit_url(group),
        group_post(
            name=group.name,
            slug=group.slug,
            memberships=[
                (m[animatrice], animatrice, Role.MEMBRE, False),
                (m[membre], membre, Role.ANIMATEUR, False),
            ],
            initial=2,
        ),
    )
    assert response.status_code == 302, page_text(response)
    assert Notification.objects.filter(recipient=membre).count() == 2
    assert Notification.objects.filter(recipient=animatrice).count() == 1
    latest = Notification.objects.filter(recipient=membre).latest("pk")
    assert (
        latest.title.startswith("Vous animez désormais") and latest.url == group.get_absolute_url()
    )


def test_joining_by_oneself_is_not_notified():
    group = services.create_group(name="Ouvert", access=Access.OPEN)
    user = UserFactory()
    services.join_group(group, user)
    from notifications.models import Notification

    assert not Notification.objects.filter(recipient=user).exists()


def test_admin_duplicate_person_picker_and_wording_in_french(client, anct_user):
    cite = CiteFactory()
    person = UserFactory(first_name="Sophie", last_name="Bertin", cite=cite, coordinator=True)
    client.force_login(anct_user)
    page = client.get(ADD_URL)
    html, text = page.content.decode(), page_text(page)
    # The person picker is a searchable chooser, not a <select> of every account; it tells
    # namesakes apart. A new group can only be a working group.
    assert escape(f"Sophie Bertin — {person.email}") not in html
    assert "Choisir une personne" in html
    results = client.get(CHOOSER_URL + "results/", {"q": "Bertin"}).content.decode()
    assert escape(person.email) in results and escape(cite.name) in results
    assert chosen(client, person) == f"Sophie Bertin — {person.email} — {cite.name}"
    assert "Groupe de travail" in html
    assert "Groupe de cité" not in html and "Groupe national" not in html
    assert escape("Choisir une cité de l'emploi") in html
    assert "Nouvel(le)" not in text and "Création : Groupe" in text
    response = client.post(
        ADD_URL,
        group_post(
            memberships=[
                ("", person, Role.ANIMATEUR, False),
                ("", person, Role.MEMBRE, False),
            ]
        ),
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "Cette personne est déjà membre de ce groupe." in text
    assert "group et user" not in text and "Le(la)" not in text and "créé(e)" not in text
    assert not Group.objects.filter(slug="mobilite-permis").exists()
    response = client.post(
        ADD_URL, group_post(memberships=[("", person, Role.ANIMATEUR, False)]), follow=True
    )
    text = page_text(response)
    assert "Création enregistrée" in text and "créé(e)" not in text


def test_person_chooser_searches_name_email_and_cite_among_active_accounts(client, anct_user):
    cite = CiteFactory(name="Cité de Roubaix")
    sophie = UserFactory(first_name="Sophie", last_name="Bertin", email="s.bertin@exemple.fr")
    roubaix = UserFactory(first_name="Karim", last_name="Haddad", cite=cite)
    UserFactory(first_name="Sophie", last_name="Ancienne", is_active=False)
    UserFactory(first_name="Paul", last_name="Durand")
    client.force_login(anct_user)
    modal = client.get(CHOOSER_URL)
    assert modal.status_code == 200
    html = modal.json()["html"]
    assert "Rechercher une personne" in html and "Choisir une personne" in html

    def found(query):
        response = client.get(CHOOSER_URL + "results/", {"q": query})
        assert response.status_code == 200
        text = page_text(response)
        return {user for user in get_user_model().objects.all() if user.email in text}

    # Part of a first or last name, both words in any order, an e-mail, a cité.
    assert found("soph") == {sophie}
    assert found("bertin sophie") == {sophie}
    assert found("s.bertin@") == {sophie}
    assert found("roubaix") == {roubaix}
    assert found("personne-inconnue") == set()
    # Disabled accounts are neither offered nor accepted.
    assert "Ancienne" not in page_text(client.get(CHOOSER_URL + "results/", {"q": "Sophie"}))
    disabled = get_user_model().objects.get(last_name="Ancienne")
    assert client.get(f"{CHOOSER_URL}chosen/{disabled.pk}/").status_code == 404
    # Picking answers « Nom — courriel — cité ».
    assert chosen(client, roubaix) == f"Karim Haddad — {roubaix.email} — Cité de Roubaix"


@pytest.mark.parametrize("role", ["anonymous", "professional", "member", "non_member"])
def test_person_chooser_is_closed_to_other_roles(client, request, role):
    person = UserFactory(first_name="Sophie")
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    for url in (
        CHOOSER_URL,
        CHOOSER_URL + "results/?q=Sophie",
        f"{CHOOSER_URL}chosen/{person.pk}/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), (role, url)
        assert person.email not in response.content.decode()
