"""Cités that existed before groups/ was installed get their reserved group."""

from django.db import migrations
from django.utils.text import slugify


def create_cite_groups(apps, schema_editor):
    Cite = apps.get_model("cites", "Cite")
    Group = apps.get_model("groups", "Group")
    for cite in Cite.objects.filter(group__isnull=True):
        base = slugify(f"cite-{cite.slug}")[:90]
        slug, n = base, 2
        while Group.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        Group.objects.create(
            cite=cite,
            name=f"Équipe projet — {cite.short_name}",
            slug=slug,
            kind="cite",
            access="reserved",
            description=(
                f"Espace réservé à l'équipe projet de la {cite.name} : actualités, documents, "
                "outils, suggestions et questions."
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial"), ("cites", "0001_initial")]

    operations = [migrations.RunPython(create_cite_groups, migrations.RunPython.noop)]
