"""The audit log's hash chain: each row's digest covers its own fields and the digest of the row
before it. SHA-256 by default; SM3 (GB/T 32905) where AUDIT_HASH_ALGORITHM = "sm3", from OpenSSL when
it has it, else from the pure-Python gmssl package."""

import hashlib
from datetime import UTC

from gmssl import sm3 as gmssl_sm3

ALGORITHMS = ("sha256", "sm3")


def _sm3(data: bytes) -> str:
    try:
        return hashlib.new("sm3", data).hexdigest()
    except ValueError:  # OpenSSL built without SM3
        return gmssl_sm3.sm3_hash(list(data))


def digest(algorithm: str, data: bytes) -> str:
    if algorithm == "sha256":
        return hashlib.sha256(data).hexdigest()
    if algorithm == "sm3":
        return _sm3(data)
    raise ValueError(f"unknown audit hash algorithm {algorithm!r} (sha256 or sm3)")


SEPARATOR = "\x1f"


def canonical(entry) -> bytes:
    """The bytes a row's digest covers: the previous row's digest, then every field that says who did
    what, when, from where, to what and with which result (``canonical_fields``)."""
    return SEPARATOR.join([entry.prev_hash or "", canonical_fields(entry)]).encode("utf-8")


def canonical_fields(entry) -> str:
    """The row's own part of ``canonical``, times in UTC to the microsecond. PostgreSQL's
    portal_audit_append (core migration 0014) is given this and prefixes the head's digest itself."""
    created = entry.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") if entry.created_at else ""
    parts = [
        str(entry.actor_id or ""),
        entry.action,
        entry.result,
        str(entry.county_id or ""),
        str(entry.report_id or ""),
        entry.target or "",
        str(entry.ip_address or ""),
        created,
    ]
    return SEPARATOR.join(parts)


def entry_digest(entry) -> str:
    return digest(entry.hash_algorithm, canonical(entry))


def first_break(entries, *, anchor: str = ""):
    """The first row (in order of id) whose link or digest is wrong, with the reason, or None.
    ``anchor``: the digest the first row must point at (the last purged row's, or "")."""
    expected_prev = anchor
    for entry in entries:
        if entry.prev_hash != expected_prev:
            return entry, "前一条摘要不符（之前有记录被删除、插入或改动）"
        if entry_digest(entry) != entry.entry_hash:
            return entry, "本条摘要不符（本条记录被改动）"
        expected_prev = entry.entry_hash
    return None
