"""Ressources: pages of the national library, through the service the import and the admin use."""

from ressources import services
from ressources.models import FicheDispositifPage, ParcoursBeneficiairePage
from themes.models import PublicCible, Theme


def _taxonomy(model, values):
    """Slugs or objects, as the test finds handier."""
    slugs = [value for value in values if isinstance(value, str)]
    objects = [value for value in values if not isinstance(value, str)]
    return objects + list(model.objects.filter(slug__in=slugs))


def make_ressource(library, model=FicheDispositifPage, slug="fiche", members_only=False, **fields):
    """A published ressource of `model` under the library (champ "mobilité" unless `themes`)."""
    themes = _taxonomy(Theme, fields.pop("themes", ["mobilite"]))
    publics = _taxonomy(PublicCible, fields.pop("publics", []))
    fields.setdefault("title", slug.replace("-", " ").capitalize())
    fields.setdefault("summary", f"Résumé de {slug}")
    if model is ParcoursBeneficiairePage:
        fields.setdefault("person", "Samira")
    page, _ = services.save_ressource(
        library, model, slug, fields, themes=themes, publics=publics, members_only=members_only
    )
    return page
