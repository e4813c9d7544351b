"""Ledger imports at bulk-load speed: one pass over the file, lookups loaded once, rows written in
batches with COPY (PostgreSQL) or ``bulk_create``/``bulk_update``, all in one transaction.

A ledger is a subclass of :class:`BulkLedger` that says, for its rows:

- ``prepare()``: load what every row is checked against, once per file (officers by phone, counties,
  townships, enterprises), so no row costs a query;
- ``parse(row, number, errors)``: the row's values, or reasons under the ledger's column names in
  ``errors`` (the same checks and the same Chinese messages the contract's tests pin);
- ``match(items)``: find the existing records of a batch of parsed rows, in one query;
- ``judge(item, errors)``: ``"new"``, ``"update"`` or ``"skip"`` for a parsed row, given what exists
  (or reasons in ``errors``);
- ``write(new, updated)``: store a batch.

:meth:`BulkLedger.run` does the rest the same way for every ledger: the contract's all-or-nothing
(a file with any bad row is rolled back, every bad row is reported with its spreadsheet number and
every reason), the dry run, the counts, the audit row, the preview and the progress of a background
job. Rows are read as they are asked for (``reading.open_rows``) and kept only one batch at a time,
so memory does not grow with the file beyond the keys that find a row repeated within it.
"""

import hashlib
import io
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from ..audit import audit_record
from ..models import AuditEntry
from .reading import LedgerFileError

PREVIEW_ROWS = 200
ACTION_LABELS = {"new": "新增", "update": "更新", "skip": "未变化", "delete": "删除"}


@dataclass
class Item:
    """One parsed row: its spreadsheet number, its values, and once matched, what exists."""

    number: int
    values: dict
    existing: object = None
    extra: dict = field(default_factory=dict)


class BulkResult:
    """The outcome of an import: counts, every problem ({"row", "column", "message"}), a preview."""

    def __init__(self, name: str = ""):
        self.name = name
        self.totals = {"new": 0, "update": 0, "skip": 0, "delete": 0, "error": 0, "invalid": 0}
        self.problems: list[dict] = []
        self.bad_rows: set[int] = set()
        self.preview: list[dict] = []  # [{"row", "action", "cells": {column: text}}]
        self.total_rows = 0
        self.written = 0
        self.headers: list[str] = []

    def add_file_problem(self, message: str) -> None:
        self.problems.append({"row": None, "column": "", "message": message})

    def add_row_problems(self, number: int, errors: dict) -> None:
        self.bad_rows.add(number)
        self.totals["invalid"] = len(self.bad_rows)
        for column, messages in errors.items():
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                self.problems.append(
                    {"row": number, "column": "" if column == "__all__" else column, "message": message}
                )

    @property
    def ok(self) -> bool:
        return not self.problems

    # The shape of django-import-export's Result that the commands and the job page read.
    def has_errors(self) -> bool:
        return any(p["row"] is None for p in self.problems)

    def has_validation_errors(self) -> bool:
        return bool(self.bad_rows)


class BulkLedger:
    name = ""  # the ledger's name in the audit row: "信息报送记录"
    required_headers: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()  # the contract's headers, shown in the preview
    batch_rows = 5000

    def __init__(self, *, user=None):
        self.actor = user
        self.progress = None  # called as progress(checked, written) after every batch
        self.seen_keys: dict = {}

    # ---- what each ledger says -------------------------------------------------------------------

    def prepare(self) -> None:
        """Load the lookups every row is checked against (once per file)."""

    def parse(self, row: dict, number: int, errors: dict):
        raise NotImplementedError

    def match(self, items: list[Item]) -> None:
        """Set ``item.existing`` for the rows that name a record already there (one query a batch)."""

    def judge(self, item: Item, errors: dict) -> str:
        return "new" if item.existing is None else "update"

    def write(self, new: list[Item], updated: list[Item]) -> None:
        raise NotImplementedError

    # ---- shared helpers --------------------------------------------------------------------------

    @staticmethod
    def read_cell(row, errors: dict, column: str, parse):
        """The cell ``column`` of ``row`` through ``parse``; on a ValueError None, with the reason
        kept under the column's name."""
        try:
            return parse(row.get(column))
        except ValueError as exc:
            errors[column] = str(exc)
            return None

    def seen_before(self, key, number: int) -> int | None:
        """The spreadsheet row where ``key`` already appeared in this file, if any. Kept as a 16-byte
        digest of the key, not the key: the one thing an import keeps of every row."""
        digest = hashlib.blake2b(repr(key).encode(), digest_size=16).digest()
        earlier = self.seen_keys.get(digest)
        if earlier is None:
            self.seen_keys[digest] = number
        return earlier

    # ---- the run ---------------------------------------------------------------------------------

    def run(self, header: list, rows, *, dry_run: bool = False) -> BulkResult:
        """Import ``rows`` (an iterable of lists under ``header``) all or nothing."""
        result = BulkResult(self.name)
        header = [str(h) for h in header]
        result.headers = header
        missing = [h for h in self.required_headers if h not in header]
        if missing:
            result.add_file_problem(f"缺少必需的列：{'、'.join(missing)}（第1行表头须与模板一致）")
            return result
        self.seen_keys = {}
        with transaction.atomic(), Background() as self.background:
            self.prepare()
            try:
                self._run(header, rows, result, dry_run)
            except LedgerFileError as exc:
                result.add_file_problem(str(exc))
            self.background.wait()  # every batch is in before the transaction ends
            if dry_run or not result.ok:
                transaction.set_rollback(True)
            else:
                self.audit(result)
        if not result.ok:
            result.written = 0
        return result

    def _run(self, header, rows, result: BulkResult, dry_run: bool) -> None:
        batch: list[tuple[dict, Item]] = []
        number = 1
        for number, cells in enumerate(rows, start=2):
            row = dict(zip(header, cells, strict=False))
            errors: dict = {}
            item = self.parse(row, number, errors)
            if errors:
                result.add_row_problems(number, errors)
                continue
            batch.append((row, item))
            if len(batch) >= self.batch_rows:
                self._flush(batch, result, dry_run, checked=number - 1)
                batch = []
        result.total_rows = number - 1
        self._flush(batch, result, dry_run, checked=number - 1)

    def _flush(self, batch, result: BulkResult, dry_run: bool, *, checked: int) -> None:
        items = [item for _, item in batch]
        if items:
            self.background.wait()  # the COPY of the batch before is done with the connection
            self.match(items)
        new, updated = [], []
        for row, item in batch:
            errors: dict = {}
            action = self.judge(item, errors)
            if errors:
                result.add_row_problems(item.number, errors)
                continue
            result.totals[action] += 1
            if action == "new":
                new.append(item)
            elif action == "update":
                updated.append(item)
            if len(result.preview) < PREVIEW_ROWS:
                result.preview.append(
                    {
                        "row": item.number,
                        "action": ACTION_LABELS[action],
                        "cells": {c: row.get(c) for c in self.columns},
                    }
                )
        # Once a bad row is found nothing more is written: the transaction is rolled back anyway.
        if not dry_run and result.ok and (new or updated):
            self.write(new, updated)
            result.written += len(new) + len(updated)
        if self.progress is not None:
            self.progress(checked, result.written if not dry_run else 0)

    def audit(self, result: BulkResult) -> None:
        totals = result.totals
        audit_record(
            actor=self.actor,
            action=AuditEntry.Action.IMPORT,
            county=getattr(self.actor, "county_id", None),
            target=f"{self.name}：新增 {totals['new']}，更新 {totals['update']}，未变化 {totals['skip']}",
        )


# ---- writing -------------------------------------------------------------------------------------


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
