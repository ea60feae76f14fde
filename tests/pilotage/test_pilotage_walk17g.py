"""pilotage/ after the blind walk walk17g of issue #17: a conflict never lets a field the second
writer left alone overwrite another member's newer value; public key figures only for a closed
quarter enough cités answered; closing, opening and ended extensions e-mailed; error links that
reach their field; text limits announced; the real closing date; pre-fill from the last
transmitted quarter."""

import pytest
from django.test import Client
from django.urls import reverse

from pilotage.models import Answer, Enjeu, Indicator, Kind
from tests.factories import UserFactory
from tests.factories.pilotage import make_campaign
from tests.pilotage.test_pilotage import _form_fields
from tests.utils import page_text


def step_url(cite, campaign, step=1):
    return reverse("pilotage:questionnaire", args=[cite.slug, campaign.code, step])


# --- N1. After a 409, every field of the step shows the current value; nothing silently lost


@pytest.fixture
def types_acteurs(indicators):
    return Indicator.objects.create(
        code="types-acteurs",
        label="Types d'acteurs mobilisés",
        enjeu=Enjeu.COOPERATION,
        kind=Kind.INTEGER,
        position=1,
    )


def _values():
    return {
        a.indicator.code: a.number if a.number is not None else a.text
        for a in Answer.objects.select_related("indicator")
    }


def test_a_conflict_shows_every_newer_value_and_saving_again_keeps_them(
    anct_user, cite, types_acteurs
):
    campaign = make_campaign(open_by=anct_user)
    amandine = UserFactory(cite=cite, coordinator=True, first_name="Amandine", last_name="Leroy")
    julien = UserFactory(cite=cite, first_name="Julien", last_name="Caron")
    first, second = Client(), Client()
    first.force_login(amandine)
    second.force_login(julien)
    url = step_url(cite, campaign)
    start = first.post(url, {"v-comites-pilotage": "7", "v-types-acteurs": "11"})
    assert start.status_code == 302
    # Both open step 1 (Copil = 7, types = 11).
    hers = _form_fields(first.get(url))
    his = _form_fields(second.get(url))
    assert his["v-types-acteurs"] == "11"
    # Amandine changes both, Julien only the Copil.
    sent = {**hers, "v-comites-pilotage": "8", "v-types-acteurs": "20"}
    assert first.post(url, sent).status_code == 302
    clash = second.post(url, {**his, "v-comites-pilotage": "6"})
    assert clash.status_code == 409
    text = page_text(clash)
    # The conflicting field keeps Julien's entry and names Amandine's value.
    shown = _form_fields(clash)
    assert shown["v-comites-pilotage"] == "6"
    assert "Valeur enregistrée pendant votre saisie" in text and "« 8 »" in text
    # The field he left alone now shows her 20, said so, with who changed it.
    assert shown["v-types-acteurs"] == "20"
    assert "Également modifiées pendant votre saisie" in text
    assert "Mise à jour pendant votre saisie" in text
    assert "Amandine Leroy" in text and "votre page affichait « 11 »" in text
    assert _values() == {"comites-pilotage": 8, "types-acteurs": 20}
    # He saves again as the page invites him to: his 6 replaces her 8 knowingly; her 20 stays.
    again = second.post(url, shown)
    assert again.status_code == 302
    assert _values() == {"comites-pilotage": 6, "types-acteurs": 20}
    assert Answer.objects.get(indicator__code="types-acteurs").updated_by == amandine


def test_a_stale_form_never_writes_a_field_the_member_did_not_touch(anct_user, cite, types_acteurs):
    """Server side, whatever the page: a field sent back as it was shown is never written, and
    one changed from a stale revision is a conflict, not an overwrite."""
    campaign = make_campaign(open_by=anct_user)
    amandine = UserFactory(cite=cite, coordinator=True)
    julien = UserFactory(cite=cite)
    first, second = Client(), Client()
    first.force_login(amandine)
    second.force_login(julien)
    url = step_url(cite, campaign)
    first.post(url, {"v-comites-pilotage": "7", "v-types-acteurs": "11"})
    his = _form_fields(second.get(url))
    hers = _form_fields(first.get(url))
    first.post(url, {**hers, "v-types-acteurs": "20"})
    # Julien changes nothing of the types but answers another question: no conflict, 20 stays.
    assert second.post(url, {**his, "v-cotech": "oui"}).status_code == 302
    assert _values()["types-acteurs"] == 20
    # Julien types over the types from his stale page: a conflict, nothing written.
    assert second.post(url, {**his, "v-types-acteurs": "12"}).status_code == 409
    assert _values()["types-acteurs"] == 20
