"""Bring an existing thesaurus up to date with the file's new groups (everyday words of a
search against the words of the fiches: « ordi », « précarité financière »…). Only missing
groups are created: groups the ANCT team edited or switched off in the admin are kept."""

from django.db import migrations


def forward(apps, schema_editor):
    from search.thesaurus import load_groups

    load_groups(apps.get_model("search", "SynonymGroup"))


class Migration(migrations.Migration):
    dependencies = [("search", "0005_analysed_search_structures")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
