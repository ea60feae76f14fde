"""pilotage/ after the blind walk walk17c of issue #17: an extension writes no answer, carried-over
values are not the cité's answers until saved, free text is never carried over."""

import datetime
import re

from django.urls import reverse

from pilotage import services
from pilotage.exports import answer_rows
from pilotage.models import Answer, Enjeu, Indicator, Kind, Response
from tests.factories.pilotage import TODAY, answer_and_submit, make_campaign
from tests.utils import page_text


def step_url(cite, campaign, step=1):
    return reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, step])


def action(client, campaign, verb, cite, until):
    return client.post(
        reverse("pilotage:campaign_action", args=[campaign.code, verb]),
        {"cite": cite.slug, "until": until.isoformat()},
        follow=True,
    )


def _two_quarters(cite, member, anct_user):
    """2026-T3 transmitted (with a « fait marquant ») and closed, 2026-T4 open."""
    Indicator.objects.create(
        code="fait-marquant",
        label="Fait marquant du trimestre",
        enjeu=Enjeu.COOPERATION,
        kind=Kind.TEXT,
        required=False,
        position=99,
    )
    previous = make_campaign(2026, 3, open_by=anct_user)
    answer_and_submit(
        previous,
        cite,
        member,
        {
            "comites-pilotage": 2,
            "taux-femmes": 48,
            "beneficiaires": 310,
            "fait-marquant": "Lancement d'une cohorte",
        },
    )
    services.close_campaign(previous, anct_user)
    return make_campaign(2026, 4, open_by=anct_user)


def test_extending_a_cite_that_has_not_started_writes_no_answer(
    client, anct_user, member, cite, indicators
):
    current = _two_quarters(cite, member, anct_user)
    client.force_login(anct_user)
    action(client, current, "prolonger", cite, current.closes_on + datetime.timedelta(days=10))
    response = Response.objects.get(campaign=current, cite=cite)
    assert response.extended_until == current.closes_on + datetime.timedelta(days=10)
    assert not response.answers.exists()
    # Everywhere « Non commencé », nothing in the export.
    history = page_text(client.get(reverse("pilotage:cite", args=[cite.slug])))
    assert "Non commencé" in history and "Brouillon" not in history
    assert not [row for row in answer_rows() if row[0] == "2026-T4"]

    # The cité opens its questionnaire: last quarter's values are offered, free text excepted...
    client.force_login(member)
    page = client.get(step_url(cite, current, 1))
    assert page.status_code == 200
    prefilled = Answer.objects.filter(response=response)
    assert set(prefilled.values_list("indicator__code", flat=True)) == {
        "comites-pilotage",
        "taux-femmes",
        "beneficiaires",
    }
    assert all(a.prefilled for a in prefilled)
    assert "Lancement d'une cohorte" not in page_text(page)
    # ... but they are no draft answer until someone saves.
    assert not [row for row in answer_rows() if row[0] == "2026-T4"]
    history = page_text(client.get(reverse("pilotage:cite", args=[cite.slug])))
    assert "Non commencé" in history
    client.post(
        step_url(cite, current, 1),
        {"v-comites-pilotage": "3", "r-comites-pilotage": "1"},
    )
    rows = [row for row in answer_rows() if row[0] == "2026-T4"]
    assert [(row[7], row[10]) for row in rows] == [("comites-pilotage", 3)]
    history = page_text(client.get(reverse("pilotage:cite", args=[cite.slug])))
    assert "Brouillon" in history


def test_reopening_after_the_closing_writes_no_answer(client, anct_user, member, cite, indicators):
    current = _two_quarters(cite, member, anct_user)
    services.close_campaign(current, anct_user)
    client.force_login(anct_user)
    action(client, current, "rouvrir", cite, TODAY + datetime.timedelta(days=5))
    response = Response.objects.get(campaign=current, cite=cite)
    assert response.accepts_answers()
    assert not response.answers.exists()


def test_the_reopening_link_sends_a_logged_out_coordinator_to_the_login_page(
    client, member, cite, campaign, non_member
):
    url = step_url(cite, campaign, 1)
    page = client.get(url)
    assert page.status_code == 302
    assert "next=" in page.url and page.url.split("next=")[1].replace("%2F", "/") == url
    login = client.get(page.url)
    assert login.status_code == 200
    # Logged in without rights: still the same 404 as for a page that does not exist.
    client.force_login(non_member)
    assert client.get(url).status_code == 404


def test_transmitting_asks_for_a_confirmation_first(client, member, cite, campaign):
    client.force_login(member)
    submit = reverse("pilotage:submit", args=[cite.slug, campaign.code])
    client.post(step_url(cite, campaign, 1), {"v-comites-pilotage": "1"})
    # Not complete: no confirmation page, the recap lists what is missing, as before.
    refused = client.post(submit)
    assert refused.status_code == 302 and refused.url.endswith("?refus=1")
    client.post(
        step_url(cite, campaign, 2),
        {"v-taux-femmes": "40", "v-beneficiaires": "10"},
    )
    page = client.post(submit)
    assert page.status_code == 200
    text = " ".join(page_text(page).split())
    assert (
        f"Vous allez transmettre le questionnaire du 4e trimestre 2026 {cite.of_name} ; vous ne "
        "pourrez plus le modifier sans demander une réouverture à l’ANCT." in text
    )
    assert "3 questions renseignées sur 6" in text
    assert 'name="confirme" value="oui"' in text
    assert not Response.objects.get().is_submitted
    done = client.post(submit, {"confirme": "oui"})
    assert done.status_code == 302
    assert Response.objects.get().is_submitted


def test_opening_early_or_beside_an_open_campaign_asks_first(client, anct_user, campaign):
    from pilotage.models import Campaign

    later = Campaign.objects.create(
        year=2027,
        quarter=1,
        opens_on=TODAY + datetime.timedelta(days=80),
        closes_on=TODAY + datetime.timedelta(days=120),
    )
    client.force_login(anct_user)
    url = reverse("pilotage:campaign_action", args=[later.code, "ouvrir"])
    page = client.post(url)
    assert page.status_code == 200
    text = " ".join(page_text(page).split())
    assert f"ne commence que le {later.opens_on:%d/%m/%Y}" in text
    assert f"La campagne du {campaign.label} est encore ouverte" in text
    later.refresh_from_db()
    assert later.status == "planned"
    client.post(url, {"confirme": "oui"})
    later.refresh_from_db()
    assert later.status == "open"


def test_mon_espace_lists_every_questionnaire_still_to_transmit(
    client, anct_user, member, cite, campaign
):
    from pilotage.models import Campaign

    campaign = services.close_campaign(campaign, anct_user)
    services.reopen_response(campaign, cite, TODAY + datetime.timedelta(days=5), anct_user)
    later = Campaign.objects.create(
        year=2027,
        quarter=1,
        opens_on=TODAY - datetime.timedelta(days=1),
        closes_on=TODAY + datetime.timedelta(days=30),
    )
    services.open_campaign(later, anct_user)
    client.force_login(member)
    text = " ".join(page_text(client.get("/mon-espace/")).split())
    reopened = text.index(f"Campagne du {campaign.label}")
    newest = text.index(f"Campagne du {later.label}")
    assert reopened < newest  # soonest deadline first
    assert "(dans 5 jours)" in text and "(dans 30 jours)" in text
    assert "Rouvert par l'ANCT" in text
    assert step_url(cite, campaign) in client.get("/mon-espace/").content.decode()


def test_a_free_text_indicator_page_lists_the_transmitted_texts_by_cite(
    client, anct_user, member, cite, indicators
):
    from tests.factories import UserFactory
    from tests.factories.cites import CiteFactory

    current = _two_quarters(cite, member, anct_user)
    other = CiteFactory()
    answer_and_submit(
        current,
        other,
        UserFactory(cite=other, coordinator=True),
        {
            "comites-pilotage": 1,
            "taux-femmes": 40,
            "beneficiaires": 10,
            "fait-marquant": "Forum emploi",
        },
    )
    drafting = CiteFactory()
    response = services.get_or_create_response(current, drafting)
    response.answers.create(
        indicator=Indicator.objects.get(code="fait-marquant"), text="Brouillon secret"
    )
    client.force_login(anct_user)
    page = client.get(
        reverse("pilotage:indicator", args=["fait-marquant"]) + f"?campagne={current.code}"
    )
    text = " ".join(page_text(page).split())
    assert "Forum emploi" in text and other.short_name in text
    assert "Brouillon secret" not in text  # drafts are not shown
    assert "médiane" not in text.lower() and "consolidation : total" not in text
    assert "<bar-chart" not in page.content.decode()


def test_a_conflict_with_ones_own_other_tab_says_so(member, cite, campaign):
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(member)
    second.force_login(member)
    first.post(step_url(cite, campaign), {"v-comites-pilotage": "5", "r-comites-pilotage": "0"})
    clash = second.post(
        step_url(cite, campaign), {"v-comites-pilotage": "7", "r-comites-pilotage": "0"}
    )
    assert clash.status_code == 409
    text = " ".join(page_text(clash).split())
    assert "Cette valeur a été modifiée ailleurs (autre onglet ou autre personne)" in text
    assert f"par {member.display_name} (vous, dans un autre onglet)" in text
    assert "Un autre membre" not in text


def test_an_integer_field_does_not_suggest_a_decimal(member, client, cite, campaign):
    client.force_login(member)
    page = client.post(step_url(cite, campaign), {"v-comites-pilotage": "douze"})
    text = page_text(page)
    assert "Saisissez un nombre (par exemple 12)." in text
    page = client.post(step_url(cite, campaign, 2), {"v-taux-femmes": "abc"})
    assert "par exemple 12 ou 12,5" in page_text(page)


def test_a_duplicate_campaign_is_refused_in_plain_french(campaign):
    import pytest
    from django.core.exceptions import ValidationError

    from pilotage.models import Campaign

    duplicate = Campaign(
        year=campaign.year,
        quarter=campaign.quarter,
        opens_on=campaign.opens_on,
        closes_on=campaign.closes_on,
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.messages == ["Une campagne existe déjà pour ce trimestre."]


def test_a_new_percentage_indicator_left_on_total_gets_the_median(db):
    from pilotage.forms import IndicatorAdminForm
    from pilotage.models import Aggregation

    form_class = Indicator.panels
    from wagtail.admin.panels import ObjectList

    handler = ObjectList(Indicator.panels, base_form_class=IndicatorAdminForm).bind_to_model(
        Indicator
    )
    form_class = handler.get_form_class()
    initial = form_class()
    data = {
        name: field.initial if field.initial is not None else ""
        for name, field in initial.fields.items()
    }
    data.update(
        code="taux-sorties",
        label="Taux de sorties positives",
        enjeu=Enjeu.DROIT_COMMUN,
        kind=Kind.PERCENTAGE,
        position="0",
    )
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}
    form = form_class(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["aggregation"] == Aggregation.MEDIAN


def test_public_yes_figure_says_how_many_cites_and_breakdown_tables_say_none_was_sent(
    client, anct_user, indicators
):
    from tests.factories import UserFactory
    from tests.factories.cites import CiteFactory

    Indicator.objects.filter(code="cotech").update(is_public=True)
    campaign = make_campaign(2026, 3, open_by=anct_user)
    for i in range(3):
        cite = CiteFactory()
        answer_and_submit(
            campaign,
            cite,
            UserFactory(cite=cite, coordinator=True),
            {
                "comites-pilotage": 1,
                "taux-femmes": 40,
                "beneficiaires": 10,  # no breakdown
                "cotech": "oui" if i else "non",
            },
        )
    campaign = services.close_campaign(campaign, anct_user)
    text = " ".join(page_text(client.get(reverse("pilotage:key_figures"))).split())
    assert "2 cités sur 3" in text
    assert "format de données ouvert (JSON)" in text
    client.force_login(anct_user)
    page = client.get(
        reverse("pilotage:indicator", args=["beneficiaires"]) + f"?campagne={campaign.code}"
    )
    text = " ".join(page_text(page).split())
    assert "Pas de ventilation transmise." in text
    # Both breakdown tables (champ d’action, public cible); the other tables have rows.
    assert text.count("Pas de ventilation transmise.") == 2


def test_after_saving_the_message_is_shown_and_focused_not_the_field(
    client, member, cite, campaign
):
    client.force_login(member)
    saved = client.post(step_url(cite, campaign), {"v-comites-pilotage": "2"})
    # The fragment replaces the one of an error-summary link (#v-…), kept across a redirect.
    assert saved.url == step_url(cite, campaign) + "#top"
    page = client.get(saved.url).content.decode()
    assert re.search(
        r'tabindex="-1"[^>]*data-cde-success-message[^>]*>\s*<p>Brouillon enregistré', page
    )


def test_extension_message_names_the_cite_and_takes_the_focus(client, anct_user, cite, campaign):
    client.force_login(anct_user)
    page = action(client, campaign, "prolonger", cite, campaign.closes_on + datetime.timedelta(1))
    html = page.content.decode()
    assert re.search(
        r"data-cde-success-message[^>]*>\s*<p>" + re.escape(cite.short_name) + " : échéance portée",
        html,
    )


def test_a_transmitted_questionnaire_looks_read_only(client, member, cite, campaign):
    answer_and_submit(
        campaign, cite, member, {"comites-pilotage": 1, "taux-femmes": 40, "beneficiaires": 10}
    )
    client.force_login(member)
    page = client.get(step_url(cite, campaign, 2)).content.decode()
    assert re.search(r'id="v-beneficiaires"[^>]*readonly', page)
    from django.contrib.staticfiles import finders

    with open(finders.find("pilotage/pilotage.css")) as css:
        assert ".fr-input[readonly]" in css.read()
