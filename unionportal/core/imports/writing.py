"""Writing a ledger's rows fast, for :mod:`.bulk`'s ledgers: ``RowWriter`` (COPY on PostgreSQL,
``bulk_create`` elsewhere), the ``Background`` thread that sends a batch while the next is checked,
and ``update_rows`` (changed rows written back with one ``UPDATE … FROM (VALUES …)`` a batch)."""

import io
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from django.utils import timezone


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | Decimal | float):
        return str(value)
    adapted = getattr(value, "adapted", None)  # psycopg2's Json of a JSONField default
    if adapted is not None:
        return _copy_text(json.dumps(adapted))
    return _copy_text(str(value))


class Background:
    """One thread that sends a batch's COPY to PostgreSQL while the next batch is read and checked
    (the database indexes the rows on its own core meanwhile). It uses the request's own connection,
    so its rows are in the same transaction; psycopg2 serialises the two threads' use of it, and a
    failure in the thread is raised in the caller at the next ``wait()``."""

    def __init__(self):
        self.pool = None
        self.pending = []

    def __enter__(self):
        if connection.vendor == "postgresql":
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-copy")
        return self

    def submit(self, fn, *args):
        if self.pool is None:
            fn(*args)
        else:
            self.pending.append(self.pool.submit(fn, *args))

    def wait(self):
        pending, self.pending = self.pending, []
        for future in pending:
            future.result()

    def __exit__(self, *exc):
        try:
            if exc[0] is None:
                self.wait()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True)
        return False


class RowWriter:
    """Inserts rows of one model fast: ``insert(rows)`` takes tuples of the ``given`` attributes (in
    that order) and returns their new primary keys. Every other column gets its model default,
    computed once per writer (so a field added to the model later needs no change here; ``created_at``
    and ``auto_now`` fields get the writer's moment). PostgreSQL: keys taken from the table's sequence
    and the rows sent with one COPY a batch; other databases: ``bulk_create``."""

    def __init__(self, model, given: tuple[str, ...], background: Background | None = None):
        self.model, self.given, self.background = model, given, background
        self.now = timezone.now()
        meta = model._meta
        self.pk_column = meta.pk.column
        fields = [f for f in meta.concrete_fields if f is not meta.pk]
        by_attname = {f.attname: f for f in fields}
        unknown = [name for name in given if name not in by_attname]
        if unknown:
            raise ValueError(f"not concrete fields of {model.__name__}: {unknown}")
        self.rest = [f for f in fields if f.attname not in given]
        self.defaults = {}
        for f in self.rest:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) or f.default is timezone.now:
                value = self.now
            else:
                value = f.get_default()  # "" for a text field without one, as save() writes
            self.defaults[f.attname] = value
        self.columns = [meta.pk.column] + [by_attname[name].column for name in given] + [f.column for f in self.rest]
        self.constant = "\t".join(_copy_text(self._db_value(f, self.defaults[f.attname])) for f in self.rest)
        self.postgres = connection.vendor == "postgresql"

    @staticmethod
    def _db_value(f, value):
        if value is None:
            return None
        return f.get_db_prep_save(value, connection)

    def allocate(self, count: int) -> list[int]:
        """``count`` new primary keys from the table's sequence (PostgreSQL)."""
        if count == 0:
            return []
        if self.background is not None:
            self.background.wait()  # the connection is the COPY's until it is done
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [self.model._meta.db_table, self.pk_column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]

    def insert(self, rows: list[tuple], pks: list[int] | None = None) -> list[int]:
        """Insert ``rows`` (with ``pks`` from ``allocate`` when given); returns their primary keys."""
        if not rows:
            return []
        if not self.postgres:
            objs = [self.model(**dict(zip(self.given, row, strict=True)), **self.defaults) for row in rows]
            self.model.objects.bulk_create(objs, batch_size=500)
            return [obj.pk for obj in objs]
        if pks is None:
            pks = self.allocate(len(rows))
        buffer = io.StringIO()
        tail = "\t" + self.constant + "\n" if self.rest else "\n"
        write = buffer.write
        for pk, row in zip(pks, rows, strict=True):
            write(str(pk))
            for value in row:
                write("\t")
                write(_copy_text(value))
            write(tail)
        buffer.seek(0)
        table = self.model._meta.db_table
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        sql = f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
        connection.ensure_connection()
        raw = connection.connection  # the same connection, so the same transaction
        if self.background is not None:
            self.background.submit(_copy, raw, sql, buffer)
        else:
            _copy(raw, sql, buffer)
        return pks


def _copy(raw_connection, sql: str, buffer) -> None:
    with raw_connection.cursor() as cursor:
        cursor.copy_expert(sql, buffer, size=1 << 20)


UPDATE_BATCH = 2000


def update_rows(model, objs, fields, *, batch_size: int = UPDATE_BATCH) -> int:
    """Write ``fields`` of ``objs`` (saved instances) back, one statement per batch: on PostgreSQL
    ``UPDATE … FROM (VALUES …)``, whose cost grows with the rows. Django's ``bulk_update`` writes a
    ``CASE`` with a branch per row for every field, which the planner takes quadratic time over:
    1,000 reports took 3 s here, 5,000 took 221 s. Elsewhere (SQLite) it is ``bulk_update``."""
    objs = list(objs)
    if not objs:
        return 0
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, fields, batch_size=batch_size)
        return len(objs)
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(f"v_{c.column}") for c in columns)
    sets = ", ".join(f"{quote(c.column)} = v.{quote(f'v_{c.column}')}::{c.db_type(connection)}" for c in columns)
    row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            params = []
            for obj in batch:
                params.append(pk.get_db_prep_value(obj.pk, connection))
                params += [c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns]
            # Table and column names come from the model, every value is a parameter.
            sql = (
                f"UPDATE {table} SET {sets} FROM (VALUES {', '.join([row] * len(batch))}) "  # noqa: S608  # nosec B608
                f"AS v(v_pk, {names}) WHERE {table}.{quote(pk.column)} = v.v_pk::{pk.db_type(connection)}"
            )
            cursor.execute(sql, params)
    return len(objs)
