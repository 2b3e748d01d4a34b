"""A trigram index on Enterprise.search_keys so substring search stays fast at 100,000+ firms.

PostgreSQL only (pg_trgm); SQLite, the embedded default, scans, which is fine at its scale.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS directory_enterprise_search_keys_trgm ON directory_enterprise USING gin (search_keys gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS directory_enterprise_search_keys_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_seed_taxonomy")]
    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
