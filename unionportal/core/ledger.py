"""Reading county ledgers (台账) as the interchange contract defines them, for every import.

Shared by the admin import pages (django-import-export) and the ``import_*`` commands, so both
accept the same files, number bad rows the same way (the header is spreadsheet row 1) and roll
back the whole file when any row is bad.
"""

from pathlib import Path

import tablib
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from import_export import resources
from import_export.formats import base_formats
from import_export.results import Error, Result

from .audit import audit_record

# The cells live in unionportal.core.cells; the ledgers have always found them here too.
from .cells import (  # noqa: F401
    cell_date,
    cell_datetime,
    cell_int,
    cell_money,
    cell_reader,
    cell_text,
    choice_reader,
    choice_value,
)
from .exports import escape_formula
from .imports.bulk import BulkLedger, BulkResult
from .imports.reading import (
    LedgerFileError,
    Limits,
    command_limits,
    open_rows,
    read_csv,
    read_xlsx,
    web_limits,
)
from .models import AuditEntry


def _clean_headers(headers):
    return [cell_text(h) for h in headers]


def _dataset(header, rows) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=_clean_headers(header))
    for row in rows:
        dataset.append(row)
    return dataset


class LedgerFormatMixin:
    """Files are read within ``limits`` (web uploads by default: size, declared size, row ceiling)."""

    limits: Limits | None = None

    def get_limits(self) -> Limits:
        return self.limits or web_limits()


class LedgerCSV(LedgerFormatMixin, base_formats.CSV):
    """UTF-8 CSV, with or without a BOM."""

    def create_dataset(self, in_stream):
        return _dataset(*read_csv(in_stream, self.get_limits()))


class LedgerXLSX(LedgerFormatMixin, base_formats.XLSX):
    """The first sheet of an .xlsx workbook, whatever sheet Excel left active."""

    def create_dataset(self, in_stream):
        return _dataset(*read_xlsx(in_stream, self.get_limits()))


LEDGER_FORMATS = [LedgerCSV, LedgerXLSX]
FORMAT_FOR_SUFFIX = {".csv": LedgerCSV, ".xlsx": LedgerXLSX}


def read_ledger(data: bytes, suffix: str, limits: Limits) -> tablib.Dataset:
    fmt = FORMAT_FOR_SUFFIX.get(suffix.lower())
    if fmt is None:
        raise LedgerFileError("只支持 .csv（UTF-8）和 .xlsx 文件")
    reader = fmt()
    reader.limits = limits
    return reader.create_dataset(data)


def load_ledger_file(path: str, limits: Limits | None = None) -> tablib.Dataset:
    """A ledger on the server's disk, as the ``import_*`` commands read it (command limits)."""
    file_path = Path(path)
    if not file_path.is_file():
        raise LedgerFileError(f"找不到文件：{path}")
    if file_path.suffix.lower() not in FORMAT_FOR_SUFFIX:
        raise LedgerFileError("只支持 .csv（UTF-8）和 .xlsx 文件")
    return read_ledger(file_path.read_bytes(), file_path.suffix, limits or command_limits())


# ---- resources ---------------------------------------------------------------------------------


class LedgerResult(Result):
    """Numbers rows as the spreadsheet does: the header is row 1, the first data row is row 2."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + 1, row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(number + 1, row, errors)


class LedgerResource(resources.ModelResource):
    """Base for the contract's ledgers: all or nothing, Chinese messages, escaped exports."""

    required_headers: tuple[str, ...] = ()
    # model field name -> ledger column, to name columns in errors raised by full_clean()
    column_for_field: dict[str, str] = {}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.actor = kwargs.get("user")
        self.on_row = None  # told of every row done (a background import's progress)

    @staticmethod
    def read_cell(row, errors: dict, column: str, parse):
        """The cell ``column`` of ``row`` through ``parse``; on a ValueError, None, with the reason kept
        in ``errors`` under the column's name (the row is then reported bad, with every reason)."""
        try:
            return parse(row.get(column))
        except ValueError as exc:
            errors[column] = str(exc)
            return None

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        if self.on_row is not None:
            self.on_row()
        return row_result

    def get_result_class(self):
        return LedgerResult

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        self.actor = kwargs.get("user", self.actor)
        missing = [h for h in self.required_headers if h not in (dataset.headers or [])]
        if missing:
            result = LedgerResult()
            result.total_rows = len(dataset)
            result.append_base_error(
                Error(LedgerFileError(f"缺少必需的列：{'、'.join(missing)}（第1行表头须与模板一致）"))
            )
            return result
        # Every import is all or nothing: a bad row rolls back the rows before it too.
        kwargs["rollback_on_validation_errors"] = True
        result = super().import_data(
            dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs
        )
        if not dry_run and not result.has_errors() and not result.has_validation_errors():
            self.audit_import(result)
        return result

    def audit_import(self, result):
        totals = result.totals
        audit_record(
            actor=self.actor,
            action=AuditEntry.Action.IMPORT,
            county=getattr(self.actor, "county_id", None),
            target=f"{self._meta.name}：新增 {totals['new']}，更新 {totals['update']}，未变化 {totals['skip']}",
        )

    def before_import(self, dataset, **kwargs):
        self.seen_keys = {}

    def seen_before(self, key, row_number) -> int | None:
        """The spreadsheet row where ``key`` already appeared in this file, if any."""
        earlier = self.seen_keys.get(key)
        if earlier is None:
            self.seen_keys[key] = row_number + 1
        return earlier

    def column_errors(self, error: ValidationError) -> ValidationError:
        if not hasattr(error, "error_dict"):
            return error
        return ValidationError(
            {self.column_for_field.get(field, field): msgs for field, msgs in error.message_dict.items()}
        )

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))


def row_problems(result) -> list[dict]:
    """Every problem of an import: {"row": spreadsheet row or None, "column": "" or a ledger column,
    "message": the reason in Chinese}."""
    if isinstance(result, BulkResult):
        return list(result.problems)
    problems = [{"row": None, "column": "", "message": str(e.error)} for e in result.base_errors]
    for invalid in result.invalid_rows:
        for column, messages in invalid.error_dict.items():
            for message in messages:
                problems.append(
                    {"row": invalid.number, "column": "" if column == "__all__" else column, "message": message}
                )
    for error_row in result.error_rows:
        for error in error_row.errors:
            problems.append({"row": error_row.number, "column": "", "message": f"处理出错：{error.error}"})
    return problems


def problem_line(problem: dict) -> str:
    if problem["row"] is None:
        return problem["message"]
    column = f"{problem['column']}：" if problem["column"] else ""
    return f"第{problem['row']}行：{column}{problem['message']}"


def row_messages(result) -> list[str]:
    """Every problem of an import, one line each, in Chinese with spreadsheet row numbers."""
    return [problem_line(p) for p in row_problems(result)]


def run_import_command(command, resource, path: str, *, dry_run: bool) -> None:
    """What every ``import_*`` command does: read, import all or nothing, report in Chinese."""
    try:
        dataset = load_ledger_file(path)
    except LedgerFileError as exc:
        raise CommandError(str(exc)) from None
    result = resource.import_data(dataset, dry_run=dry_run)
    problems = row_messages(result)
    if problems or result.has_errors() or result.has_validation_errors():
        for line in problems:
            command.stderr.write(line)
        bad_rows = len(result.invalid_rows) + len(result.error_rows)
        raise CommandError(f"导入失败：{bad_rows} 行有错误，未写入任何数据。请改正后重新导入。")
    totals = result.totals
    summary = f"新增 {totals['new']} 条，更新 {totals['update']} 条，未变化 {totals['skip']} 条（共 {len(dataset)} 行）"
    if dry_run:
        command.stdout.write(f"试运行，未写入任何数据：将{summary}。")
    else:
        command.stdout.write(command.style.SUCCESS(f"导入完成：{summary}。"))


def run_bulk_command(command, ledger: BulkLedger, path: str, *, dry_run: bool) -> None:
    """``run_import_command`` for a bulk ledger: the file streamed from disk, checked and written in
    batches in one transaction; the same messages."""
    file_path = Path(path)
    try:
        if not file_path.is_file():
            raise LedgerFileError(f"找不到文件：{path}")
        suffix = file_path.suffix.lower()
        if suffix not in FORMAT_FOR_SUFFIX:
            raise LedgerFileError("只支持 .csv（UTF-8）和 .xlsx 文件")
        with (
            file_path.open("rb") as handle,
            open_rows(handle, suffix, file_path.stat().st_size, command_limits()) as (
                header,
                rows,
            ),
        ):
            result = ledger.run(header, rows, dry_run=dry_run)
    except LedgerFileError as exc:
        raise CommandError(str(exc)) from None
    if not result.ok:
        for line in row_messages(result):
            command.stderr.write(line)
        if not result.bad_rows:
            raise CommandError(row_messages(result)[0])
        raise CommandError(f"导入失败：{len(result.bad_rows)} 行有错误，未写入任何数据。请改正后重新导入。")
    totals = result.totals
    summary = (
        f"新增 {totals['new']} 条，更新 {totals['update']} 条，未变化 {totals['skip']} 条（共 {result.total_rows} 行）"
    )
    if dry_run:
        command.stdout.write(f"试运行，未写入任何数据：将{summary}。")
    else:
        command.stdout.write(command.style.SUCCESS(f"导入完成：{summary}。"))


class LedgerImportCommand(BaseCommand):
    """``import_* FILE [--dry-run]``: every ledger command has this shape. With ``bulk_class`` the
    command runs the ledger at bulk speed; otherwise through ``resource_class``."""

    resource_class: type[LedgerResource]
    bulk_class: type[BulkLedger] | None = None

    def add_arguments(self, parser):
        parser.add_argument("file", help="台账文件路径（.csv UTF-8 或 .xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, file, dry_run, **options):
        if self.bulk_class is not None:
            run_bulk_command(self, self.bulk_class(), file, dry_run=dry_run)
        else:
            run_import_command(self, self.resource_class(), file, dry_run=dry_run)
