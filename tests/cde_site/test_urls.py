"""Every foundation URL for each role: anonymous, registered professional, cité member, member of
another cité, ANCT staff."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from cites.models import Cite
from themes.models import Theme

ANON_LOGIN = "login"  # 302 to the login page


@pytest.fixture(autouse=True)
def site():
    call_command("setup_site")


def expected_status(url_kind, role):
    if url_kind == "public":
        return 200
    if url_kind == "private":
        return 302 if role == "anonymous" else 200
    if url_kind == "anonymous_only":
        return 200 if role == "anonymous" else 302
    if url_kind == "anct_tool":  # ANCT's tools outside /admin/: the same 404 as a missing page
        return 200 if role == "anct_user" else 404
    if url_kind == "admin":  # anonymous: to the login page; logged in without rights: refused
        return {"anct_user": 200, "anonymous": 302}.get(role, 403)
    raise AssertionError(url_kind)


def draft_bulletin():
    from ressources.models import BulletinIndexPage, BulletinPage

    bulletin = BulletinPage(title="Numéro 1", slug="1", number=1, live=False)
    BulletinIndexPage.objects.get().add_child(instance=bulletin)
    bulletin.save_revision()
    return bulletin


def urls(cite):
    theme = Theme.objects.first()
    bulletin = draft_bulletin()
    return [
        ("/", "public"),
        (reverse("cites:directory"), "public"),
        (reverse("cites:directory") + "?region=32&theme=mobilite&q=test", "public"),
        (cite.get_absolute_url(), "public"),
        (reverse("themes:index"), "public"),
        (theme.get_absolute_url(), "public"),
        ("/accessibilite/", "public"),
        ("/mentions-legales/", "public"),
        ("/donnees-personnelles/", "public"),
        (reverse("health"), "public"),
        (reverse("account_login"), "anonymous_only"),
        (reverse("account_signup"), "anonymous_only"),
        (reverse("account_reset_password"), "public"),
        (reverse("accounts:profile"), "private"),
        (reverse("account_email"), "private"),
        (reverse("account_change_password"), "private"),
        (reverse("notifications:list"), "private"),
        (reverse("espace:home"), "private"),
        (reverse("espace:preferences"), "private"),
        (reverse("groups:index"), "private"),
        (reverse("ressources:sendings"), "anct_tool"),
        (reverse("ressources:compose", args=[bulletin.pk]), "anct_tool"),
        (f"/admin/pages/{bulletin.pk}/edit/", "admin"),
        ("/admin/", "admin"),
        ("/admin/snippets/cites/cite/", "admin"),
        (f"/admin/snippets/cites/cite/edit/{cite.pk}/", "admin"),
        (f"/admin/snippets/themes/theme/edit/{theme.pk}/", "admin"),
        ("/admin/reports/fiches-a-revoir/", "admin"),
    ]


def test_every_foundation_url_for_each_role(role_client, cite):
    for url, kind in urls(cite):
        response = role_client.get(url)
        expected = expected_status(kind, role_client.role)
        assert response.status_code == expected, (role_client.role, url, response.status_code)
        if expected == 302 and kind != "anonymous_only":
            assert response["Location"].startswith(reverse("account_login")), url


def test_anct_edits_a_cite_in_the_admin(client, anct_user, cite):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    client.force_login(anct_user)
    url = f"/admin/snippets/cites/cite/edit/{cite.pk}/"
    qpv = cite.qpvs.get()
    data = nested_form_data(
        {
            "name": cite.name,
            "short_name": cite.short_name,
            "slug": cite.slug,
            "code": cite.code,
            "region": cite.region,
            "departement_code": cite.departement_code,
            "departement": cite.departement,
            "wave": cite.wave,
            "labellisation_date": cite.labellisation_date.isoformat(),
            "is_published": "on",
            "structure_porteuse": "Nouvelle structure porteuse",
            "copilote_prefecture": cite.copilote_prefecture,
            "copilote_collectivite": cite.copilote_collectivite,
            "coordinator_name": cite.coordinator_name,
            "coordinator_email": cite.coordinator_email,
            "coordinator_phone": cite.coordinator_phone,
            "presentation": rich_text("<p>Présentation mise à jour</p>"),
            "qpvs": inline_formset(
                [{"id": qpv.pk, "name": qpv.name, "commune": qpv.commune, "population": 5000}],
                initial=1,
            ),
            "axes": inline_formset([{"title": "Nouvel axe"}]),
        }
    )
    data["themes"] = [Theme.objects.get(slug="mobilite").pk]  # a multi-value field, not nested
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    cite = Cite.objects.get(pk=cite.pk)  # modelcluster caches relations on the old instance
    assert cite.structure_porteuse == "Nouvelle structure porteuse"
    assert cite.qpvs.get().population == 5000
    assert list(cite.axes.values_list("title", flat=True)) == ["Nouvel axe"]
    assert list(cite.themes.values_list("slug", flat=True)) == ["mobilite"]


def test_themes_cannot_be_added_or_deleted_by_anct(anct_user):
    assert anct_user.has_perm("themes.change_theme")
    assert not anct_user.has_perm("themes.add_theme")
    assert not anct_user.has_perm("themes.delete_theme")


def test_the_untested_routes_gate_covers_every_app_of_the_platform():
    """tests/route_coverage.py fails the whole run when a route was never requested: it must know
    every app of this repository (espace/ and pilotage/ were once missing from a hand-kept list)
    and no dependency's (Wagtail, allauth)."""
    from django.urls import URLResolver, get_resolver

    from tests.route_coverage import platform_namespaces, platform_route_names

    assert {"espace", "pilotage", "groups", "cafes_cites", "rgpd"} <= platform_namespaces()
    assert not {"wagtailcore", "account", "auth"} & platform_namespaces()
    names = platform_route_names()
    for expected in ("espace:home", "pilotage:submit", "pilotage:campaign_action", "home"):
        assert expected in names
    assert not any(name.startswith(("wagtail", "account_")) for name in names)
    # Every namespace the site mounts from a module of this repository is checked: the gate
    # knows apps by label, this finds them by the file of their URLconf.
    root = Path(__file__).resolve().parents[2]
    mounted = {
        pattern.namespace
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLResolver)
        and pattern.namespace
        and Path(getattr(pattern.urlconf_module, "__file__", "/")).resolve().is_relative_to(root)
        and ".venv" not in Path(pattern.urlconf_module.__file__).parts
    }
    assert mounted >= {"espace", "pilotage"}
    assert mounted <= {name.split(":")[0] for name in names if ":" in name}
