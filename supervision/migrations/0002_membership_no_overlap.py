"""On PostgreSQL, forbid overlapping membership periods of one school in the
database itself (the partial unique constraint of 0001 only covers open
ones). SQLite has no exclusion constraints; there ``clean()`` checks it."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE supervision_districtmembership
       ADD CONSTRAINT membership_no_overlap
       EXCLUDE USING gist (school_id WITH =,
                           daterange(start_date, COALESCE(end_date, 'infinity'::date), '[]') WITH &&)""",
]
BACKWARD = ["ALTER TABLE supervision_districtmembership DROP CONSTRAINT IF EXISTS membership_no_overlap"]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
