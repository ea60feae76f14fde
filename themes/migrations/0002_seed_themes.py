"""Seed the 8 champs d'action of the vadémécum and the publics cibles (fixed slugs)."""

from django.db import migrations

THEMES = [
    (
        "reseau-professionnel",
        "Accompagner la création d'un réseau professionnel",
        "Réseau professionnel",
        "leisure/community",
        "Beaucoup d'habitants des quartiers prioritaires n'ont pas de contacts dans le monde de "
        "l'entreprise : parrainage, mentorat et rencontres avec les employeurs leur ouvrent des portes.",
    ),
    (
        "savoirs-de-base",
        "Assurer la maîtrise des savoirs de base",
        "Savoirs de base",
        "leisure/book",
        "Lire, écrire, compter et parler français sont les premières marches vers l'emploi : "
        "repérer les besoins et orienter vers des formations adaptées.",
    ),
    (
        "competences-numeriques",
        "Développer les compétences numériques",
        "Compétences numériques",
        "digital/coding",
        "Candidater, s'inscrire, suivre ses droits : tout passe par le numérique. Accompagner "
        "l'équipement, les usages et la certification des compétences.",
    ),
    (
        "contraintes-familiales",
        "Aider à surmonter les contraintes familiales",
        "Contraintes familiales",
        "buildings/school",
        "La garde des enfants, en particulier pour les familles monoparentales, empêche souvent "
        "d'accepter une formation ou un emploi : trouver des solutions de garde souples.",
    ),
    (
        "mobilite",
        "Encourager et faciliter la mobilité",
        "Mobilité",
        "map/map",
        "Permis de conduire, transport, accès à un véhicule, mais aussi mobilité psychologique : "
        "lever les freins qui limitent la recherche d'emploi au seul quartier.",
    ),
    (
        "logement",
        "Favoriser l'accès à un logement approprié",
        "Logement",
        "buildings/house",
        "Sans logement stable, l'insertion professionnelle est fragile : coordonner les acteurs "
        "du logement et de l'emploi autour des parcours.",
    ),
    (
        "precarite-financiere",
        "Réduire la précarité financière",
        "Précarité financière",
        "institutions/money",
        "Accès aux droits, microcrédit, aides à la reprise d'emploi : sécuriser les ressources "
        "pendant le parcours vers l'emploi.",
    ),
    (
        "sante-handicap",
        "Traiter les problématiques de santé et/ou de handicap",
        "Santé et handicap",
        "health/health",
        "Problèmes de santé non soignés, handicap non reconnu : repérer, orienter vers le soin et "
        "mobiliser les dispositifs d'emploi accompagné.",
    ),
]

PUBLICS = [
    ("jeunes", "Jeunes"),
    ("femmes", "Femmes"),
    ("seniors", "Seniors"),
    ("demandeurs-emploi-longue-duree", "Demandeurs d'emploi de longue durée"),
    ("beneficiaires-rsa", "Bénéficiaires du RSA"),
    ("personnes-allophones", "Personnes allophones"),
    ("personnes-handicapees", "Personnes en situation de handicap"),
    ("tous", "Tous publics"),
]


def seed(apps, schema_editor):
    Theme = apps.get_model("themes", "Theme")
    PublicCible = apps.get_model("themes", "PublicCible")
    for position, (slug, label, short_label, pictogram, description) in enumerate(THEMES, 1):
        Theme.objects.update_or_create(
            slug=slug,
            defaults={
                "label": label,
                "short_label": short_label,
                "pictogram": pictogram,
                "description": description,
                "position": position,
            },
        )
    for position, (slug, label) in enumerate(PUBLICS, 1):
        PublicCible.objects.update_or_create(
            slug=slug, defaults={"label": label, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("themes", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
