"""Index the review queue's text search on PostgreSQL.

Django's ``icontains`` becomes ``UPPER(col::text) LIKE UPPER(%s)``, which a trigram GIN index on
``UPPER(col)`` serves. SQLite (``make run``) has no such index type and skips this step.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS report_title_trgm_idx ON reports_report USING gin (UPPER(title::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS report_content_trgm_idx ON reports_report USING gin (UPPER(content::text) gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS report_title_trgm_idx", "DROP INDEX IF EXISTS report_content_trgm_idx"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
