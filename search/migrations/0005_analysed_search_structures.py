"""The database side of the query pipeline (search.pipeline, search.text):

- PostgreSQL: search_vector is now computed from the analysed columns (`simple` configuration:
  the stems are already computed by search.text, the same as on SQLite and as Elasticsearch's
  analyzer), and the vocabulary gets a trigram index for typo tolerance per word;
- SQLite: an FTS5 table over the analysed columns, kept in step by triggers;
- both: the analysed columns and the vocabulary of existing entries, and the thesaurus file.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION search_entry_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('simple', coalesce(NEW.title_terms, '')), 'A')
            || setweight(to_tsvector('simple', coalesce(NEW.summary_terms, '')), 'B')
            || setweight(to_tsvector('simple', coalesce(NEW.body_terms, '')), 'C');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    "CREATE INDEX IF NOT EXISTS search_term_word_trgm ON search_term "
    "USING gin (word gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_term_word_trgm",
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
]
SQLITE_FORWARD = [
    # External content: the text lives in search_entry, FTS5 keeps only its index.
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_entry_fts USING fts5("
    "title_terms, summary_terms, body_terms, content='search_entry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS search_entry_fts_insert AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_entry_fts(rowid, title_terms, summary_terms, body_terms) "
    "VALUES (new.id, new.title_terms, new.summary_terms, new.body_terms); END",
    "CREATE TRIGGER IF NOT EXISTS search_entry_fts_delete AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_entry_fts(search_entry_fts, rowid, title_terms, summary_terms, "
    "body_terms) VALUES ('delete', old.id, old.title_terms, old.summary_terms, "
    "old.body_terms); END",
    "CREATE TRIGGER IF NOT EXISTS search_entry_fts_update AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_entry_fts(search_entry_fts, rowid, title_terms, summary_terms, "
    "body_terms) VALUES ('delete', old.id, old.title_terms, old.summary_terms, "
    "old.body_terms); "
    "INSERT INTO search_entry_fts(rowid, title_terms, summary_terms, body_terms) "
    "VALUES (new.id, new.title_terms, new.summary_terms, new.body_terms); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_entry_fts_update",
    "DROP TRIGGER IF EXISTS search_entry_fts_delete",
    "DROP TRIGGER IF EXISTS search_entry_fts_insert",
    "DROP TABLE IF EXISTS search_entry_fts",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)
    analyse_existing(apps)
    from search.thesaurus import load_groups

    load_groups(apps.get_model("search", "SynonymGroup"))


def analyse_existing(apps):
    """Analysed columns and vocabulary of the entries already there (the trigger and the FTS5
    triggers index them as they are updated)."""
    from search.indexing import vocabulary_words
    from search.text import analyzed

    Entry = apps.get_model("search", "Entry")
    Term = apps.get_model("search", "Term")
    last = 0
    while True:
        rows = list(Entry.objects.filter(pk__gt=last).order_by("pk")[:500])
        if not rows:
            break
        for row in rows:
            row.title_terms = analyzed(row.title)
            row.summary_terms = analyzed(row.summary)
            row.body_terms = analyzed(row.body)
        Entry.objects.bulk_update(rows, ["title_terms", "summary_terms", "body_terms"])
        found = vocabulary_words(rows)
        Term.objects.bulk_create(
            [Term(word=w, stem=s, display=d) for w, (s, d) in found.items()],
            ignore_conflicts=True,
        )
        last = rows[-1].pk


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_analysed_terms_vocabulary_thesaurus")]

    operations = [migrations.RunPython(forward, backward)]
