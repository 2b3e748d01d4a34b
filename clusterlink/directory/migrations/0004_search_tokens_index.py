"""Search by token prefix, sorted by the distinctive name.

Recomputes every firm's search keys as tokens and its sort name. PostgreSQL: the tokens are
also stored as a generated tsvector column, `search_vector`, with a GIN index; it replaces the
trigram index of 0003 (which could not serve two-character Chinese terms, and whose
substring tests cost a scan of every match). The column is not a model field: only
PostgreSQL has it, and only the search expression reads it. The history no longer copies the
derived fields. The reverse drops the column and recreates the trigram index.
"""

from django.db import migrations, models

TO_VECTORS = [
    "ALTER TABLE directory_enterprise ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (array_to_tsvector(string_to_array(search_keys, ' '))) STORED",
    "CREATE INDEX IF NOT EXISTS directory_enterprise_search_vector "
    "ON directory_enterprise USING gin (search_vector)",
    "DROP INDEX IF EXISTS directory_enterprise_search_keys_trgm",
    # The text copy is only read when a record is opened: out of line, so the rows a search
    # walks stay narrow and their vectors are stored inline, uncompressed.
    "ALTER TABLE directory_enterprise ALTER COLUMN search_keys SET STORAGE EXTERNAL",
]
TO_TRIGRAMS = [
    "ALTER TABLE directory_enterprise ALTER COLUMN search_keys SET STORAGE EXTENDED",
    "ALTER TABLE directory_enterprise DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX IF NOT EXISTS directory_enterprise_search_keys_trgm ON directory_enterprise "
    "USING gin (search_keys gin_trgm_ops)",
]


def _postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


def index_every_firm(apps, schema_editor):
    from clusterlink.directory.search import index_for_search

    Enterprise = apps.get_model("directory", "Enterprise")
    rows = Enterprise.objects.only("legal_name", "name_en", "address").order_by("pk")
    batch = []
    for enterprise in rows.iterator(chunk_size=2000):
        index_for_search(enterprise)
        batch.append(enterprise)
        if len(batch) == 2000:
            Enterprise.objects.bulk_update(batch, ["search_keys", "sort_name"])
            batch = []
    Enterprise.objects.bulk_update(batch, ["search_keys", "sort_name"])


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0003_search_keys_trigram_index'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='historicalenterprise',
            name='search_keys',
        ),
        migrations.AddField(
            model_name='enterprise',
            name='sort_name',
            field=models.CharField(blank=True, editable=False, help_text='The distinctive part of the name in pinyin; the directory is sorted by it.', max_length=100, verbose_name='sort name'),
        ),
        migrations.AlterField(
            model_name='enterprise',
            name='search_keys',
            field=models.TextField(blank=True, editable=False, help_text='Search tokens of the names and address (Chinese, pinyin, initials, English), space-separated; a search term matches the prefix of a token.', verbose_name='search keys'),
        ),
        migrations.AddIndex(
            model_name='enterprise',
            index=models.Index(fields=['sort_name', 'id'], name='enterprise_sort_order'),
        ),
        migrations.RunPython(index_every_firm, migrations.RunPython.noop),
        migrations.RunPython(_postgresql(TO_VECTORS), _postgresql(TO_TRIGRAMS)),
    ]
