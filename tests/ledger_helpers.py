"""What the tests of the bulk ledgers share: a ledger file written from its lines, the ``import_*``
command run as a user runs it (and its queries counted), a bulk ledger class run on a file, what the
admin's row-by-row resource writes, a valid credit code."""

import io

from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from officers.rules import credit_code_check_char
from unionportal.core.imports.reading import command_limits, open_rows
from unionportal.core.ledger import load_ledger_file, row_messages


def write_ledger(tmp_path, header: str, lines, name: str):
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def run_command(command: str, path, *args):
    """(what it printed, the lines of its error output, the error) of ``command FILE``."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return None, err.getvalue().strip().splitlines(), str(exc)
    return out.getvalue().strip(), [], None


def command_queries(run, path) -> int:
    """The queries of ``run(path)`` (a ``run_command`` partial), which must succeed."""
    with CaptureQueriesContext(connection) as ctx:
        out, err, _ = run(path)
    assert out is not None, err
    return len(ctx.captured_queries)


def written_row_by_row(resource, path, snapshot, **kwargs) -> tuple[dict, list[str]]:
    """What the admin's row-by-row ``resource`` writes for ``path`` (``snapshot()`` of what a ledger
    writes) and the reasons it gives, then undone."""
    with transaction.atomic():
        result = resource.import_data(load_ledger_file(str(path)), **kwargs)
        written = snapshot()
        transaction.set_rollback(True)
    return written, row_messages(result)


def run_bulk(ledger_class, path, **kwargs):
    ledger = ledger_class(**kwargs)
    with path.open("rb") as handle, open_rows(handle, ".csv", path.stat().st_size, command_limits()) as (header, rows):
        return ledger.run(header, rows)


def credit_code(n: int) -> str:
    """A 统一社会信用代码 of 滨海县 with its check character right."""
    first = f"91320922MA1N{n:05d}"
    return first + credit_code_check_char(first)
