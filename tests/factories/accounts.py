"""Accounts: professionals of the network and the ANCT team."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import CiteRole, User
from accounts.roles import make_anct_staff

PASSWORD = "mot-de-passe-de-test-42"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utilisateur{n}@example.org")
    first_name = "Dominique"
    last_name = factory.Sequence(lambda n: f"Testeur{n}")
    organisation = "Mission locale"
    fonction = "Conseiller"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()

    class Params:
        coordinator = factory.Trait(cite_role=CiteRole.COORDINATEUR)
        partner = factory.Trait(cite_role=CiteRole.PARTENAIRE)


def make_anct_user(**kwargs):
    return make_anct_staff(UserFactory(organisation="ANCT", **kwargs))
