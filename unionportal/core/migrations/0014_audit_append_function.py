"""The audit row in one round trip (issue 21): a PostgreSQL function takes the chain's lock, reads the
head, digests and inserts, so a page's audit row is one statement instead of BEGIN, lock, head,
INSERT, COMMIT. The digest is the one core.audit_chain computes: the previous digest, then the row's
own fields as Python joined them ("\\x1f" between each), SHA-256 (built in) or SM3 (pgcrypto's
digest(), where the server's OpenSSL has it; core.audit probes that once per process and keeps the
Python path otherwise). SQLite (make run) keeps the Python path."""

from django.db import DatabaseError, migrations, transaction

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION portal_audit_append(
    p_lock_key bigint, p_algorithm varchar, p_fields text,
    p_actor_id bigint, p_action varchar, p_result varchar, p_county_id bigint, p_report_id bigint,
    p_target varchar, p_ip inet, p_created timestamptz
) RETURNS TABLE (new_id bigint, new_prev varchar, new_hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_prev varchar;
    v_data bytea;
    v_hash varchar;
    v_id bigint;
BEGIN
    -- Volatile: each statement below reads a fresh snapshot, so the head read after the lock is
    -- the head (a single SQL statement would read the snapshot taken before waiting for the lock).
    PERFORM pg_advisory_xact_lock(p_lock_key);
    SELECT COALESCE(
        (SELECT e.entry_hash FROM reports_auditentry e ORDER BY e.id DESC LIMIT 1),
        (SELECT p.last_hash FROM core_auditpurge p ORDER BY p.last_id DESC LIMIT 1),
        '') INTO v_prev;
    v_data := convert_to(v_prev || chr(31) || p_fields, 'UTF8');
    IF p_algorithm = 'sha256' THEN
        v_hash := encode(sha256(v_data), 'hex');
    ELSIF p_algorithm = 'sm3' THEN
        EXECUTE 'SELECT encode(digest($1, ''sm3''), ''hex'')' INTO v_hash USING v_data;
    ELSE
        RAISE EXCEPTION 'unknown audit hash algorithm %', p_algorithm;
    END IF;
    INSERT INTO reports_auditentry (
        actor_id, action, result, county_id, report_id, target, ip_address, created_at,
        prev_hash, entry_hash, hash_algorithm
    ) VALUES (
        p_actor_id, p_action, p_result, p_county_id, p_report_id, p_target, p_ip, p_created,
        v_prev, v_hash, p_algorithm
    ) RETURNING id INTO v_id;
    RETURN QUERY SELECT v_id, v_prev, v_hash;
END
$$;
"""
DROP_SQL = (
    "DROP FUNCTION IF EXISTS portal_audit_append("
    "bigint, varchar, text, bigint, varchar, varchar, bigint, bigint, varchar, inet, timestamptz)"
)


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            # SM3 only; without the right to install it the Python path digests SM3 rows.
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")
    except DatabaseError:
        pass
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)  # no parameters: the function's own "%" stays as it is


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("core", "0013_alter_auditentry_action")]

    operations = [migrations.RunPython(install, uninstall)]
