import pytest
from django.urls import reverse

from tests.utils import page_text
from themes.models import THEME_SLUGS, PublicCible, Theme
from themes.registry import ThemeItem, ThemeSection, register_theme_section, sections_for


def test_the_eight_champs_are_seeded_with_fixed_slugs():
    assert list(Theme.objects.ordered().values_list("slug", flat=True)) == THEME_SLUGS
    assert all(theme.label and theme.description for theme in Theme.objects.all())


def test_publics_cibles_are_seeded():
    assert PublicCible.objects.filter(slug="beneficiaires-rsa").exists()
    assert PublicCible.objects.count() == 8


def test_theme_index_lists_all_themes(client):
    response = client.get(reverse("themes:index"))
    assert response.status_code == 200
    for theme in Theme.objects.all():
        assert theme.short_label in page_text(response)


@pytest.mark.parametrize("slug", THEME_SLUGS)
def test_each_theme_page_renders(client, slug):
    response = client.get(reverse("themes:detail", args=[slug]))
    assert response.status_code == 200
    assert Theme.objects.get(slug=slug).label in page_text(response)


def test_unknown_theme_is_404(client):
    assert client.get("/champs-action/inconnu/").status_code == 404


def test_theme_page_gathers_cites_that_prioritise_it(client, cite):
    mobilite = Theme.objects.get(slug="mobilite")
    cite.themes.add(mobilite)
    cite.save()
    response = client.get(mobilite.get_absolute_url())
    assert cite.name in page_text(response)
    logement = client.get(reverse("themes:detail", args=["logement"]))
    assert cite.name not in page_text(logement)


def test_registered_provider_adds_a_section_and_sees_the_user(rf, professional):
    seen = []

    def provider(theme, user):
        seen.append(user)
        return ThemeSection(key="test", title="Section de test", items=[ThemeItem("A", "/a/")])

    register_theme_section(provider)
    try:
        sections = sections_for(Theme.objects.get(slug="logement"), professional)
        assert "Section de test" in [section.title for section in sections]
        assert seen == [professional]
    finally:
        from themes import registry

        registry._providers.remove(provider)
