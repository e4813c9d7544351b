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
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction

from ..audit import audit_record
from ..models import AuditEntry
from .reading import LedgerFileError
from .writing import Background

PREVIEW_ROWS = 200
ACTION_LABELS = {"new": "新增", "update": "更新", "skip": "未变化", "delete": "删除"}
# A row checked as new that someone else stored before the write (the import holds no lock on what a
# web page may register meanwhile, e.g. an officer's phone): the file is refused as a whole, as any
# bad row makes it, and a new run checks it against what is there now and names the row.
CONCURRENT_WRITE = (
    "导入时有其他操作同时修改了相关记录（例如同一手机号的信息员正在网页上登记），未写入任何数据。"
    "请重新导入：重新校验会指出冲突的行。"
)
# What someone else's write can make of a checked row: a key now taken (unique_violation) or a record
# it names now gone (foreign_key_violation). A NOT NULL or CHECK refusal is the import's own fault (a
# rule the check missed): it is not dressed up as a concurrent write.
CONCURRENT_SQLSTATES = ("23505", "23503")
CONCURRENT_SQLITE = ("UNIQUE constraint failed", "FOREIGN KEY constraint failed")


def _concurrent(exc: Exception) -> bool:
    """Whether a constraint error at write time is what a concurrent write causes."""
    for error in (exc, exc.__cause__):
        if getattr(error, "pgcode", None) in CONCURRENT_SQLSTATES:
            return True
    return any(text in str(exc) for text in CONCURRENT_SQLITE)


logger = logging.getLogger(__name__)


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
        try:
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
        except (IntegrityError, connection.Database.IntegrityError) as exc:
            # Raised by a batch's own write (Django's error) or by its COPY on the driver's connection
            # (the driver's); either way the transaction is rolled back and nothing is kept.
            if not _concurrent(exc):
                raise
            logger.warning("ledger %s refused by a constraint at write time: %s", self.name, exc)
            result.add_file_problem(CONCURRENT_WRITE)
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
