"""On PostgreSQL the audit trail is append-only in the database itself: no
UPDATE at all, and no DELETE of an entry younger than 184 days (the floor of
the retention purge). Nothing in the portal can edit it, and neither can a
mistaken query."""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION jianfu_audit_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'the audit trail cannot be changed';
        END IF;
        IF OLD.at > now() - interval '184 days' THEN
            RAISE EXCEPTION 'audit entries are kept at least 184 days';
        END IF;
        RETURN OLD;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER jianfu_audit_guard BEFORE UPDATE OR DELETE ON jianfu_auditevent
    FOR EACH ROW EXECUTE FUNCTION jianfu_audit_guard()
    """,
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS jianfu_audit_guard ON jianfu_auditevent",
    "DROP FUNCTION IF EXISTS jianfu_audit_guard()",
]


def _run(statements):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("jianfu", "0002_audit_sessions_totp")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
