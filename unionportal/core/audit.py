"""Writing the audit log: the one way any app records a read, an export, a change or a security
event. Each row is chained to the one before it (core.audit_chain); writers take the chain's lock so
two transactions never chain to the same row."""

import ipaddress

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .audit_chain import canonical_fields, digest, entry_digest, first_break
from .client_address import client_ip
from .models import AuditEntry, AuditPurge

# pg_advisory_xact_lock key of the chain's head: held until the writer's transaction ends.
CHAIN_LOCK_KEY = 0x41554454  # "AUDT"


def client_address(request) -> str | None:
    """The client's address (behind a trusted proxy, the one it forwarded): see core.client_address."""
    return client_ip(request)


def _normalised(address: str | None) -> str | None:
    """The address as the database gives it back (PostgreSQL's inet shortens IPv6), so the digest
    computed now is the digest recomputed later."""
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def chain_lock() -> None:
    """Serialise writers of the chain. PostgreSQL: a transaction-scoped advisory lock, so the row
    read as the head is still the head when this row is inserted; SQLite writes one at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def chain_head() -> str:
    """The digest the next row points at: the last row's, else the last purge's anchor, else "".
    One query whatever the table holds, so a page's query count does not depend on it."""
    entries, purges = AuditEntry._meta.db_table, AuditPurge._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE((SELECT entry_hash FROM {entries} ORDER BY id DESC LIMIT 1), "  # noqa: S608  # nosec B608 - table names from the models, no input
            f"(SELECT last_hash FROM {purges} ORDER BY last_id DESC LIMIT 1), '')"
        )
        return cursor.fetchone()[0]


# Which digests PostgreSQL's portal_audit_append computes here: SHA-256 is built in; SM3 needs
# pgcrypto on a server whose OpenSSL has it, asked once per process (``database_digests``).
_DATABASE_DIGESTS = {"sha256": True}


def database_digests(algorithm: str) -> bool:
    if algorithm not in _DATABASE_DIGESTS:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT encode(digest('abc'::bytea, %s), 'hex')", [algorithm])
                _DATABASE_DIGESTS[algorithm] = cursor.fetchone()[0] == digest(algorithm, b"abc")
        except DatabaseError:  # no pgcrypto, or no such digest in the server's OpenSSL
            _DATABASE_DIGESTS[algorithm] = False
    return _DATABASE_DIGESTS[algorithm]


def _append_in_database(entry: AuditEntry) -> None:
    """Lock, head, digest and INSERT in one statement (one round trip; its own transaction under
    autocommit): core migration 0014's function, digesting what ``canonical`` would."""
    entry.created_at = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT new_id, new_prev, new_hash FROM portal_audit_append(%s::bigint, %s::varchar, %s::text, "
            "%s::bigint, %s::varchar, %s::varchar, %s::bigint, %s::bigint, %s::varchar, %s::inet, %s::timestamptz)",
            [
                CHAIN_LOCK_KEY,
                entry.hash_algorithm,
                canonical_fields(entry),
                entry.actor_id,
                entry.action,
                entry.result,
                entry.county_id,
                entry.report_id,
                entry.target,
                entry.ip_address,
                entry.created_at,
            ],
        )
        entry.pk, entry.prev_hash, entry.entry_hash = cursor.fetchone()
    entry._state.adding, entry._state.db = False, connection.alias


def audit_record(
    *,
    actor,
    action: str,
    report=None,
    county=None,
    target: str = "",
    request=None,
    result: str = AuditEntry.Result.SUCCESS,
) -> AuditEntry:
    """``report`` is any object with ``pk``, ``county_id`` and ``title`` (a report); ``county`` a
    county or its id, when there is no report. ``result``: success, failure (a wrong password or
    code) or refused (a role asking for what is not its duty)."""
    entry = AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        result=result,
        report_id=report.pk if report is not None else None,
        county_id=report.county_id if report is not None else getattr(county, "pk", county),
        target=(target or (report.title if report is not None else ""))[:200],
        ip_address=_normalised(client_address(request)),
        hash_algorithm=getattr(settings, "AUDIT_HASH_ALGORITHM", "sha256"),
    )
    if connection.vendor == "postgresql" and database_digests(entry.hash_algorithm):
        _append_in_database(entry)
        return entry
    with transaction.atomic():
        chain_lock()
        entry.created_at = timezone.now()
        entry.prev_hash = chain_head()
        entry.entry_hash = entry_digest(entry)
        entry.save(force_insert=True)
    return entry


def audit_record_many(entries: list[dict]) -> list[AuditEntry]:
    """``audit_record`` for many rows at once (a bulk import's one row per item): each dict holds
    ``audit_record``'s keyword arguments but ``request`` and ``result``. The chain's lock and head are
    taken once, the rows chained in order and inserted with one statement."""
    if not entries:
        return []
    algorithm = getattr(settings, "AUDIT_HASH_ALGORITHM", "sha256")
    rows = []
    for given in entries:
        actor, report, county = given.get("actor"), given.get("report"), given.get("county")
        target = given.get("target", "")
        rows.append(
            AuditEntry(
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                action=given["action"],
                result=AuditEntry.Result.SUCCESS,
                report_id=report.pk if report is not None else None,
                county_id=report.county_id if report is not None else getattr(county, "pk", county),
                target=(target or (report.title if report is not None else ""))[:200],
                ip_address=None,
                hash_algorithm=algorithm,
            )
        )
    with transaction.atomic():
        chain_lock()
        now = timezone.now()
        previous = chain_head()
        for entry in rows:
            entry.created_at = now
            entry.prev_hash = previous
            entry.entry_hash = previous = entry_digest(entry)
        AuditEntry.objects.bulk_create(rows)
    return rows


def chain_verify():
    """Walk the whole log in order; returns (rows checked, first broken row or None, reason)."""
    anchor = AuditPurge.objects.order_by("-last_id").values_list("last_hash", flat=True).first() or ""
    checked = 0

    def counted():
        nonlocal checked
        for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
            checked += 1
            yield entry

    broken = first_break(counted(), anchor=anchor)
    if broken is None:
        return checked, None, ""
    return checked, broken[0], broken[1]
