"""The demo command builds a believable platform, idempotently, and every page it makes renders."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from wagtail.models import Page

from accounts.models import User
from cites.models import QPV, Cite, RoadmapAxis
from tests.utils import page_text
from themes.models import Theme


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Cite, QPV, RoadmapAxis, User, Page, Theme)
    }


def test_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG est désactivé"):
        call_command("load_demo")


def demo_urls():
    urls = [page.url for page in Page.objects.live().specific() if page.depth > 1]
    urls += [cite.get_absolute_url() for cite in Cite.objects.all()]
    urls += [theme.get_absolute_url() for theme in Theme.objects.all()]
    return [*urls, "/cites/", "/champs-action/"]


@pytest.mark.usefixtures("demo_content")
class TestDemoContent:
    """Tests on one demo content, built once (tests/conftest.py, demo_content)."""

    def test_demo_is_idempotent(self, settings):
        first = counts()
        settings.DEBUG = True
        call_command("load_demo")
        assert counts() == first
        assert first["Cite"] >= 8
        assert (
            Cite.objects.filter(slug__in=["saint-omer", "est-ensemble", "maubeuge", "pau"]).count()
            == 4
        )

    def test_demo_accounts(self):
        demo_users = User.objects.filter(is_demo=True)
        assert demo_users.filter(groups__name="Équipe ANCT").count() == 1
        cites_with_team = Cite.objects.filter(team__cite_role="coordinateur").filter(
            team__cite_role="partenaire"
        )
        assert cites_with_team.distinct().count() >= 4
        assert demo_users.filter(cite__isnull=True, groups__isnull=True).exists()

    @pytest.mark.parametrize("who", ["anonymous", "coordinator", "anct"])
    def test_every_demo_page_renders(self, who):
        client = Client()
        if who == "coordinator":
            client.force_login(User.objects.filter(is_demo=True, cite_role="coordinateur").first())
        elif who == "anct":
            client.force_login(User.objects.get(groups__name="Équipe ANCT", is_demo=True))
        # Demo accounts only work with DEBUG on: force_login bypasses the backend, but the
        # session would be refused on the next request, so render with DEBUG on for logged-in roles.
        urls = demo_urls()
        assert len(urls) > 25
        from django.test import override_settings

        with override_settings(DEBUG=who != "anonymous"):
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, url
                assert "<h1" in page_text(response), url

    def test_demo_coordinator_sees_suggestions_for_her_cite(self, settings):
        """« Pour ma cité » on Saint-Omer's page (mobilité, garde d'enfants, réseau, femmes): the
        forum with a mobility village and a family space of La Seyne-sur-Mer, with its reason; and
        Maubeuge's page lists its own actions inspirantes for everyone."""
        settings.DEBUG = True
        client = Client()
        client.force_login(User.objects.get(email="amandine.leroy@demo.cites-emploi.fr"))
        text = page_text(client.get("/cites/saint-omer/"))
        section = text[text.index('id="pour-ma-cite"') :]
        assert "« L'emploi en jeu », un forum dans un stade" in section
        assert "Mêmes priorités : réseau professionnel, contraintes familiales, mobilité" in section
        assert "Pas utile" in section
        text = page_text(Client().get("/cites/maubeuge/"))
        assert "Actions inspirantes de la cité" in text
        assert "Pour ma cité" not in text
