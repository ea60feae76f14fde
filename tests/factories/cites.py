"""Cités: the directory of the network."""

import datetime

import factory
from factory.django import DjangoModelFactory

from cites.models import QPV, Cite


class CiteFactory(DjangoModelFactory):
    class Meta:
        model = Cite
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cité de l'emploi de Testville {n}")
    short_name = factory.Sequence(lambda n: f"Testville {n}")
    slug = factory.Sequence(lambda n: f"testville-{n}")
    # Wraps so that long runs (1000+ cités) keep the three-digit format the model validates.
    code = factory.Sequence(lambda n: f"cde-{500 + n % 500:03d}")
    region = "32"
    departement_code = "59"
    departement = "Nord"
    structure_porteuse = "PLIE de Testville"
    copilote_prefecture = "Préfecture du Nord"
    copilote_collectivite = "Communauté urbaine de Testville"
    wave = 1
    labellisation_date = datetime.date(2020, 10, 1)
    coordinator_name = "Camille Test"
    coordinator_email = factory.Sequence(lambda n: f"coordination{n}@testville.example")
    coordinator_phone = "03 00 00 00 00"

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)
            self.save()  # ParentalManyToManyField values are written on save

    @factory.post_generation
    def qpvs(self, create, extracted, **kwargs):
        if create:
            QPV.objects.create(
                cite=self, name="Quartier des Tests", commune="Testville", population=4200
            )
