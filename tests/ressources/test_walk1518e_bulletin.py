"""Walk 1518e (issue #18), bulletin: the editor offers the next free number and refuses a taken
one in words; the composer's errors link to the « Ordre » field, marked in error."""

# ruff: noqa: F811 (fixtures imported from test_bulletin_composition are test arguments here)

from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from ressources.models import BulletinPage, BulletinPageForm
from tests.ressources.test_bulletin_composition import compose_data, world  # noqa: F401
from tests.ressources.test_ressources import library  # noqa: F401


def test_bulletin_editor_offers_the_next_number_and_says_when_one_is_taken(world, anct_user):
    taken = BulletinPage.objects.order_by("-number").first()
    form_class = BulletinPage.get_edit_handler().get_form_class()
    assert issubclass(form_class, BulletinPageForm)
    form = form_class(instance=BulletinPage(), for_user=anct_user)
    assert form.initial["number"] == taken.number + 1
    data = nested_form_data(
        {
            "title": "Doublon",
            "slug": "doublon",
            "number": taken.number,
            "date": "2026-12-07",
            "intro": "",
            "sections": streamfield([]),
        }
    )
    bound = form_class(data=data, instance=BulletinPage(), for_user=anct_user)
    bound.is_valid()
    (error,) = bound.errors["number"]
    assert error == (
        f"Le numéro {taken.number} est déjà pris par « {taken.title} ». "
        f"Le prochain numéro libre est le {taken.number + 1}."
    )


def test_composer_errors_link_to_the_order_field_marked_in_error(client, anct_user, world):
    bulletin = world["bulletin"]
    key = f"page-{world['fiche'].pk}"
    client.force_login(anct_user)
    response = client.post(
        reverse("ressources:compose", args=[bulletin.pk]), compose_data((key, 0, None))
    )
    html = response.content.decode()
    assert f'<a href="#ordre-{key}">' in html
    assert 'class="fr-input fr-input--error"' in html
    assert f'aria-describedby="ordre-{key}-erreur"' in html
