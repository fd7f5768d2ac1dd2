"""The backends' own structures, by database vendor.

SQLite: FTS5 tables over ``SearchDocument`` (external content, kept by triggers): one over the
stemmed columns with ``unicode61 remove_diacritics 2`` (folded and stemmed matches), one over
the original text with ``remove_diacritics 0`` (exact matches rank first); a trigram FTS5 table
over ``SearchWord`` for typos.

PostgreSQL: ``unaccent`` and ``pg_trgm`` (creating them needs a superuser or a database owner
with the extensions trusted: see the README), ``ventanilla_es``/``ventanilla_en`` text search
configurations that unaccent before stemming, generated ``tsvector`` columns chosen by each
document's language with GIN indexes, and a trigram GIN index over ``SearchWord.word``.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE search_fts_stem USING fts5(stem_title, stem_body,
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE VIRTUAL TABLE search_fts_exact USING fts5(title, body,
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE VIRTUAL TABLE search_word_trgm USING fts5(word,
        content='search_searchword', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER search_doc_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts_stem(rowid, stem_title, stem_body)
            VALUES (new.id, new.stem_title, new.stem_body);
        INSERT INTO search_fts_exact(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER search_doc_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts_stem(search_fts_stem, rowid, stem_title, stem_body)
            VALUES ('delete', old.id, old.stem_title, old.stem_body);
        INSERT INTO search_fts_exact(search_fts_exact, rowid, title, body)
            VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER search_doc_au AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts_stem(search_fts_stem, rowid, stem_title, stem_body)
            VALUES ('delete', old.id, old.stem_title, old.stem_body);
        INSERT INTO search_fts_exact(search_fts_exact, rowid, title, body)
            VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO search_fts_stem(rowid, stem_title, stem_body)
            VALUES (new.id, new.stem_title, new.stem_body);
        INSERT INTO search_fts_exact(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER search_word_ai AFTER INSERT ON search_searchword BEGIN
        INSERT INTO search_word_trgm(rowid, word) VALUES (new.id, new.word);
    END""",
    """CREATE TRIGGER search_word_ad AFTER DELETE ON search_searchword BEGIN
        INSERT INTO search_word_trgm(search_word_trgm, rowid, word)
            VALUES ('delete', old.id, old.word);
    END""",
]


def _words(column: str) -> str:
    # Punctuation separates words, as SQLite's unicode61 splits them: an address or a ticket
    # number is found by its parts on both backends (the default parser keeps emails whole).
    return f"regexp_replace({column}, '[[:punct:]]+', ' ', 'g')"


def _vector(config: str) -> str:
    return (
        f"setweight(to_tsvector('{config}'::regconfig, {_words('title')}), 'A') || "
        f"setweight(to_tsvector('{config}'::regconfig, {_words('body')}), 'B')"
    )


POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TEXT SEARCH CONFIGURATION ventanilla_es (COPY = pg_catalog.spanish)",
    """ALTER TEXT SEARCH CONFIGURATION ventanilla_es ALTER MAPPING
        FOR hword, hword_part, word WITH unaccent, spanish_stem""",
    "CREATE TEXT SEARCH CONFIGURATION ventanilla_en (COPY = pg_catalog.english)",
    """ALTER TEXT SEARCH CONFIGURATION ventanilla_en ALTER MAPPING
        FOR hword, hword_part, word WITH unaccent, english_stem""",
    f"""ALTER TABLE search_searchdocument ADD COLUMN vec tsvector GENERATED ALWAYS AS (
        CASE WHEN language = 'en' THEN {_vector("ventanilla_en")}
        ELSE {_vector("ventanilla_es")} END) STORED""",
    f"""ALTER TABLE search_searchdocument ADD COLUMN vec_exact tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, {_words("title || ' ' || body")})) STORED""",
    "CREATE INDEX search_doc_vec ON search_searchdocument USING gin (vec)",
    "CREATE INDEX search_doc_vec_exact ON search_searchdocument USING gin (vec_exact)",
    "CREATE INDEX search_word_trgm ON search_searchword USING gin (word gin_trgm_ops)",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_doc_ai",
    "DROP TRIGGER IF EXISTS search_doc_ad",
    "DROP TRIGGER IF EXISTS search_doc_au",
    "DROP TRIGGER IF EXISTS search_word_ai",
    "DROP TRIGGER IF EXISTS search_word_ad",
    "DROP TABLE IF EXISTS search_fts_stem",
    "DROP TABLE IF EXISTS search_fts_exact",
    "DROP TABLE IF EXISTS search_word_trgm",
]
POSTGRES_DROP = [
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vec",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS vec_exact",
    "DROP INDEX IF EXISTS search_word_trgm",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS ventanilla_es",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS ventanilla_en",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
