import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cites.models import Cite
from tests.factories import CiteFactory
from tests.utils import page_text
from themes.models import Theme


def directory(client, **params):
    return client.get(reverse("cites:directory"), params)


def test_directory_lists_published_cites_only(client):
    visible = CiteFactory(name="Cité de l'emploi de Visibleville")
    hidden = CiteFactory(name="Cité de l'emploi de Cachéville", is_published=False)
    html = page_text(directory(client))
    assert visible.name in html
    assert hidden.name not in html


def test_directory_filters_by_region_and_theme(client):
    mobilite = Theme.objects.get(slug="mobilite")
    north = CiteFactory(name="Cité Nord", region="32", themes=[mobilite])
    south = CiteFactory(name="Cité Sud", region="93")
    html = page_text(directory(client, region="32"))
    assert north.name in html and south.name not in html
    html = page_text(directory(client, theme="mobilite"))
    assert north.name in html and south.name not in html
    html = page_text(directory(client, region="93", theme="mobilite"))
    assert "Aucune cité ne correspond" in html


def test_directory_text_search_matches_qpv_commune(client):
    cite = CiteFactory(name="Cité de l'emploi de Quelquepart")
    cite.qpvs.update(commune="Hautmont")
    other = CiteFactory(name="Cité Autre")
    other.qpvs.update(commune="Ailleurs")
    html = page_text(directory(client, q="hautmont"))
    assert cite.name in html and other.name not in html


def test_directory_unknown_filter_values_get_a_french_message(client, cite):
    response = directory(client, region="99", theme="<script>")
    html = page_text(response)
    assert response.status_code == 200
    assert "Un filtre n'est pas valide" in html
    assert cite.name in html  # invalid filters are ignored, not half-applied
    assert "<script>" not in html


def test_directory_pagination(client):
    for _ in range(30):
        CiteFactory()
    page1 = page_text(directory(client))
    page2 = page_text(directory(client, page=2))
    assert page1.count('class="fr-card fr-enlarge-link"') == 24
    assert page2.count('class="fr-card fr-enlarge-link"') == 6
    # Inactive pagination links are marked disabled (DSFR markup), so they are not read as links.
    assert 'aria-disabled="true" role="link">Page précédente' in page1
    assert 'aria-disabled="true" role="link">Page suivante' in page2


def test_directory_query_count_does_not_grow_with_cites(client, django_assert_max_num_queries):
    for _ in range(20):
        CiteFactory(themes=list(Theme.objects.all()[:3]))
    with django_assert_max_num_queries(8):
        directory(client)


def test_cite_page_shows_fiche_identite(client, cite):
    html = page_text(client.get(cite.get_absolute_url()))
    for value in [
        cite.name,
        cite.code,
        cite.structure_porteuse,
        cite.copilote_prefecture,
        "Quartier des Tests",
    ]:
        assert value in html


def test_coordinator_contact_only_for_logged_in_users(client, cite, professional):
    assert cite.coordinator_email not in page_text(client.get(cite.get_absolute_url()))
    client.force_login(professional)
    assert cite.coordinator_email in page_text(client.get(cite.get_absolute_url()))


def test_unpublished_and_unknown_cites_look_the_same(client):
    hidden = CiteFactory(is_published=False)
    unknown_url = reverse("cites:detail", args=["nexiste-pas"])
    a = client.get(hidden.get_absolute_url())
    b = client.get(unknown_url)
    assert a.status_code == b.status_code == 404
    # Identical but for the page's own address (in the login link's ?next=).
    assert page_text(a).replace(hidden.slug, "x") == page_text(b).replace("nexiste-pas", "x")


def test_cite_code_format_is_validated():
    cite = CiteFactory.build(code="CDE1", slug="format-invalide")
    with pytest.raises(ValidationError, match="cde-001"):
        cite.full_clean()
    assert not Cite.objects.filter(slug="format-invalide").exists()
