"""Trigram indexes for reader search, on PostgreSQL only.

Search uses `icontains`, which PostgreSQL runs as `UPPER(col::text) LIKE UPPER(%s)`;
GIN indexes over that same expression with gin_trgm_ops serve it for any language,
Chinese included (the text-search parsers would not split Chinese into words). SQLite
has neither the extension nor the need: both operations do nothing there.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# (index name, table, column) for every field search_articles and search_issues read.
INDEXES = [
    ("article_title_trgm", "articles_article", "title"),
    ("article_summary_trgm", "articles_article", "summary"),
    ("article_excerpt_trgm", "articles_article", "excerpt"),
    ("source_name_trgm", "sources_source", "name"),
    ("tag_name_trgm", "articles_tag", "name"),
    ("issue_title_trgm", "digest_issue", "title"),
    ("issue_intro_trgm", "digest_issue", "intro"),
    ("entry_title_override_trgm", "digest_entry", "title_override"),
    ("entry_summary_override_trgm", "digest_entry", "summary_override"),
]


def create_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("digest", "0001_initial"),
        ("articles", "0001_initial"),
        ("sources", "0001_initial"),
    ]

    operations = [
        # CreateExtension itself does nothing on other databases.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
