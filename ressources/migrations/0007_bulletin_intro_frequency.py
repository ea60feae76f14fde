"""The archive's default intro said « Chaque mois » while the bulletin comes out every two weeks:
replace that default text (only when left unchanged) on the page and its revisions."""

from django.db import migrations

OLD = (
    "Chaque mois, l'équipe nationale de l'ANCT sélectionne l'actualité de l'emploi "
    "dans les quartiers, classée par champ d'action."
)
NEW = (
    "Toutes les deux semaines, l'équipe nationale de l'ANCT sélectionne l'actualité de l'emploi "
    "dans les quartiers, classée par champ d'action."
)


def forwards(apps, schema_editor):
    BulletinIndexPage = apps.get_model("ressources", "BulletinIndexPage")
    Revision = apps.get_model("wagtailcore", "Revision")
    for page in BulletinIndexPage.objects.filter(intro=OLD):
        page.intro = NEW
        page.save(update_fields=["intro"])
        for revision in Revision.objects.filter(object_id=str(page.pk)):
            content = revision.content or {}
            if content.get("intro") == OLD:
                content["intro"] = NEW
                revision.content = content
                revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("ressources", "0006_library_review_task"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
