"""PostgreSQL's JIT compilation off for the portal's database.

The portal's queries are a web page's: they read summary rows through
indexes and last milliseconds, but the planner's cost estimates for the
aggregates over a city's summaries pass ``jit_above_cost``, and compiling
them then costs more than running them (a year's homework compliance: 275
ms with JIT, 185 ms without, measured in ``bench/README.md``). Set on the
database, not on the connection (a startup option is refused by PgBouncer
in transaction mode), so every new session of every process has it.

An account that does not own the database cannot do this: the migration
then says so and goes on; the deployment guide gives the statement for the
owner to run.
"""

from django.db import migrations

JIT_OFF = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'jit left as it is: only the owner of the database can set it (see the deployment guide)';
END
$$;
"""
JIT_DEFAULT = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I RESET jit', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END
$$;
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(JIT_OFF, params=None)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(JIT_DEFAULT, params=None)


class Migration(migrations.Migration):
    dependencies = [("jianfu", "0006_signin_otp_counters_audit_actor")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
