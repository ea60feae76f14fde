import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def forget_presence(apps, schema_editor):
    # One row per open socket: none survives the restart that applies this migration, and the
    # old rows have no process to vouch for them.
    apps.get_model("cafes_cites", "ChatPresence").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cafes_cites", "0002_chat_question_thread"),
    ]

    operations = [
        migrations.RunPython(forget_presence, migrations.RunPython.noop),
        migrations.CreateModel(
            name="ChatProcess",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, unique=True)),
                (
                    "heartbeat_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
            ],
        ),
        migrations.RemoveIndex(
            model_name="chatpresence",
            name="cafes_cites_session_36d876_idx",
        ),
        migrations.AddField(
            model_name="chatpresence",
            name="process",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="presences",
                to="cafes_cites.chatprocess",
            ),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="chatpresence",
            index=models.Index(fields=["session", "user"], name="cafes_cites_session_ccf40f_idx"),
        ),
    ]
