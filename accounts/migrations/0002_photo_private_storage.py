# Profile photos move from the public media storage to the private one (served by
# accounts.views.photo to their owner only).

import accounts.models
import commons.storage
from django.db import migrations, models


def move_photos(apps, schema_editor):
    from django.core.files.storage import default_storage

    from commons.storage import private_storage

    private = private_storage()
    User = apps.get_model("accounts", "User")
    for name in User.objects.exclude(photo="").values_list("photo", flat=True):
        if default_storage.exists(name) and not private.exists(name):
            with default_storage.open(name, "rb") as source:
                private.save(name, source)
            default_storage.delete(name)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='user',
            name='photo',
            field=models.ImageField(blank=True, storage=commons.storage.private_storage, upload_to=accounts.models.profile_photo_path, verbose_name='photo'),
        ),
        migrations.RunPython(move_photos, migrations.RunPython.noop),
    ]
