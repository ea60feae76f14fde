"""PostgreSQL only: compute search_vector in a trigger as rows are written, instead of a second
UPDATE pass over every batch (half the write work of indexing and rebuilds)."""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION search_entry_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('french_unaccent', coalesce(NEW.title, '')), 'A')
            || setweight(to_tsvector('french_unaccent', coalesce(NEW.summary, '')), 'B')
            || setweight(to_tsvector('french_unaccent', coalesce(NEW.body, '')), 'C');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS search_entry_vector ON search_entry",
    "CREATE TRIGGER search_entry_vector BEFORE INSERT OR UPDATE ON search_entry "
    "FOR EACH ROW EXECUTE FUNCTION search_entry_vector()",
    "UPDATE search_entry SET title = title",  # fill existing rows
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS search_entry_vector ON search_entry",
    "DROP FUNCTION IF EXISTS search_entry_vector()",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgresql_search")]

    operations = [migrations.RunPython(forward, backward)]
