"""An index of article tags by tag, then article.

Search finds the articles of the tags whose name matches a word; with both columns in
the index it reads them from the index alone. The many-to-many table is created by the
`tags` field, which declares no indexes, so the index is plain SQL (valid on PostgreSQL
and SQLite alike).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_article_created_idx_opt_in"),
    ]

    operations = [
        migrations.RunSQL(
            'CREATE INDEX IF NOT EXISTS "article_tags_by_tag_idx" '
            'ON "articles_article_tags" ("tag_id", "article_id")',
            'DROP INDEX IF EXISTS "article_tags_by_tag_idx"',
            elidable=False,
        ),
    ]
