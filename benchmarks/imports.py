"""The report history import at bulk speed, beside a bare COPY of the same rows into the same table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_imports .venv/bin/python benchmarks/imports.py

On a database of its own (it empties the reports table between runs): 9 counties × 300 officers
(brought in with ``import_officers``), then a ledger of ``IMPORT_ROWS`` (default 200,000) reports over
two years, written to a temporary CSV. Measured in the same run, each in a fresh process:

- ``manage.py import_reports FILE`` on the empty table (rows/s, peak RSS of the process);
- the same command on a file of a quarter of the rows (peak RSS again: memory flat in the file's size);
- the same file again (every row unchanged: the re-import);
- a bare ``COPY reports_report FROM`` of exactly the rows the import wrote (dumped with COPY TO and
  the table emptied first), the floor of any import into that table with its indexes;
- the row-by-row import of before (django-import-export's resource) on ``OLD_ROWS`` rows, for scale;
- the other ledgers at bulk speed, for scale: ``import_officers`` (the 2,700 officers, then again
  unchanged), ``import_adoptions`` on receipts for the first ``OTHER_ROWS`` (default 20,000) reports
  and ``import_disputes`` on ``OTHER_ROWS`` cases (each then again, unchanged).
"""

import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings.local")
os.environ.setdefault("DEBUG", "false")
ROWS = int(os.environ.get("IMPORT_ROWS", "200000"))
OLD_ROWS = int(os.environ.get("OLD_ROWS", "2000"))
OTHER_ROWS = int(os.environ.get("OTHER_ROWS", "20000"))
COUNTIES, OFFICERS_PER_COUNTY = 9, 300
HEADER = [
    "报送人手机号",
    "标题",
    "内容",
    "信息类别",
    "紧急程度",
    "发生时间",
    "报送时间",
    "涉及人数",
    "涉及金额",
    "审核结果",
    "采用单位",
]
CATEGORIES = [
    "欠薪讨薪",
    "劳动争议",
    "群体性事件苗头",
    "职工思想动态",
    "新就业形态劳动者权益",
    "安全生产",
    "网络舆情",
    "其他",
]
GRADES = ["待审核", "不予采用", "合格", "合格", "县总工会采用", "县级以上部门采用"]


def phone(county: int, n: int) -> str:
    return f"139{county:02d}{n:06d}"


def write_officers(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["姓名", "手机号", "县区代码", "镇区街道", "人员类别", "状态", "聘任日期"])
        for c in range(COUNTIES):
            for n in range(OFFICERS_PER_COUNTY):
                out.writerow(
                    [
                        f"信息员{c}-{n}",
                        phone(c, n),
                        f"{320900 + c + 1:06d}",
                        f"第{n % 5 + 1}镇",
                        "一线职工",
                        "在岗",
                        "2024-06-01",
                    ]
                )


def write_reports(path: Path, rows: int) -> None:
    rng = random.Random(2026)
    start = datetime(2025, 1, 1, 8, 0)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for i in range(rows):
            occurred = start + timedelta(minutes=rng.randrange(0, 730 * 24 * 60))
            submitted = occurred + timedelta(minutes=rng.randrange(0, 600))
            grade = rng.choice(GRADES)
            out.writerow(
                [
                    phone(rng.randrange(COUNTIES), rng.randrange(OFFICERS_PER_COUNTY)),
                    f"第{i}条：某企业职工反映情况",
                    "部分职工反映加班费计算有疑问，已与企业工会沟通，正在了解情况。" * 2,
                    rng.choice(CATEGORIES),
                    "突发" if rng.random() < 0.05 else "一般",
                    occurred.strftime("%Y-%m-%d %H:%M"),
                    submitted.strftime("%Y-%m-%d %H:%M"),
                    rng.randrange(1, 200),
                    f"{rng.randrange(0, 10**7) / 100:.2f}" if rng.random() < 0.3 else "",
                    grade,
                    "盐城市总工会" if grade == "县级以上部门采用" else "",
                ]
            )


def write_adoptions(reports: Path, path: Path, rows: int) -> int:
    """Receipts, adopted today, for the first ``rows`` reports of the ledger ``reports`` submitted by
    today; returns how many."""
    today = datetime.now().strftime("%Y-%m-%d")
    written = 0
    with reports.open(encoding="utf-8", newline="") as source, path.open("w", encoding="utf-8", newline="") as handle:
        ledger, out = csv.DictReader(source), csv.writer(handle)
        out.writerow(["报送人手机号", "报送时间", "标题", "采用单位", "刊物", "期号", "采用日期"])
        for row in ledger:
            if written == rows:
                break
            if row["报送时间"][:10] <= today:
                out.writerow(
                    [
                        row["报送人手机号"],
                        row["报送时间"],
                        row["标题"],
                        "盐城市委办公室",
                        "盐城信息",
                        f"第{written}期",
                        today,
                    ]
                )
                written += 1
    return written


def write_disputes(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "案件编号",
                "县区代码",
                "登记日期",
                "用人单位",
                "争议类型",
                "涉及人数",
                "状态",
                "调解结果",
                "结果日期",
                "清理欠薪",
            ]
        )
        for i in range(rows):
            county = f"{320900 + i % COUNTIES + 1:06d}"
            out.writerow(
                [
                    f"BM-{i:07d}",
                    county,
                    "2025-03-02",
                    f"第{i % 500}厂",
                    "欠薪",
                    3,
                    "调解成功",
                    "成功",
                    "2025-04-10",
                    "1000",
                ]
            )


def measure(args: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS MiB, output) of ``args`` in a fresh process, its own RSS read with wait4."""
    started = time.perf_counter()
    child = subprocess.Popen(args, cwd=ROOT, env=os.environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = child.stdout.read().decode()
    err = child.stderr.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{out}\n{err}")
    return seconds, usage.ru_maxrss / 1024, out.strip()


def main():
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from officers.models import Officer
    from officers.services import county_upsert

    call_command("migrate", verbosity=0)
    manage = [sys.executable, "manage.py"]
    workdir = Path(tempfile.mkdtemp(prefix="up-imports-"))
    if Officer.objects.filter(phone__startswith="139").count() < COUNTIES * OFFICERS_PER_COUNTY:
        for c in range(COUNTIES):
            county_upsert(code=f"{320900 + c + 1:06d}", name=f"样本{c}县", townships=[f"第{j}镇" for j in range(1, 6)])
    write_officers(workdir / "officers.csv")
    others = []
    for label in ("", " again (unchanged)"):
        seconds, rss, out = measure([*manage, "import_officers", str(workdir / "officers.csv")])
        print(f"officers: {out} in {seconds:.1f} s")
        others.append(
            (
                f"import_officers{label}, {COUNTIES * OFFICERS_PER_COUNTY:,} rows",
                COUNTIES * OFFICERS_PER_COUNTY,
                seconds,
                rss,
            )
        )
    big, small, old = workdir / "reports.csv", workdir / "reports-quarter.csv", workdir / "reports-old.csv"
    write_reports(big, ROWS)
    write_reports(small, ROWS // 4)
    write_reports(old, OLD_ROWS)
    size = big.stat().st_size / 1024 / 1024

    def empty():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE reports_reviewevent, reports_report CASCADE")
            cursor.execute("VACUUM ANALYZE reports_report")

    results = []
    empty()
    connection.close()
    seconds, rss_small, _ = measure([*manage, "import_reports", str(small)])
    results.append((f"import_reports, {ROWS // 4:,} rows (memory check)", ROWS // 4, seconds, rss_small))
    empty()
    connection.close()
    seconds, rss, out = measure([*manage, "import_reports", str(big)])
    print(out)
    results.append((f"import_reports, {ROWS:,} rows, empty table", ROWS, seconds, rss))
    seconds, rss_again, out = measure([*manage, "import_reports", str(big)])
    print(out)
    results.append((f"import_reports again (all {ROWS:,} unchanged)", ROWS, seconds, rss_again))

    dump = workdir / "reports.copy"
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reports_report")
        (count,) = cursor.fetchone()
        with dump.open("w", encoding="utf-8") as handle:
            cursor.cursor.copy_expert("COPY reports_report TO STDOUT", handle)
    empty()
    started = time.perf_counter()
    with connection.cursor() as cursor, dump.open("r", encoding="utf-8") as handle:
        cursor.cursor.copy_expert("COPY reports_report FROM STDIN", handle)
    copy_seconds = time.perf_counter() - started
    results.append((f"bare COPY of the same {count:,} rows (baseline)", count, copy_seconds, None))

    receipts, disputes = workdir / "adoptions.csv", workdir / "disputes.csv"
    receipt_rows = write_adoptions(big, receipts, OTHER_ROWS)
    write_disputes(disputes, OTHER_ROWS)
    connection.close()
    for command, path, rows in (
        ("import_adoptions", receipts, receipt_rows),
        ("import_disputes", disputes, OTHER_ROWS),
    ):
        for label in ("", " again (unchanged)"):
            seconds, rss, out = measure([*manage, command, str(path)])
            print(out)
            others.append((f"{command}{label}, {rows:,} rows", rows, seconds, rss))
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE disputes_outcome, disputes_disputecase_handlers, disputes_disputecase CASCADE")

    empty()
    connection.close()
    old_code = (
        "import sys, django; django.setup();"
        "from unionportal.core.ledger import load_ledger_file;"
        "from reports.resources import ReportLedgerResource;"
        "r = ReportLedgerResource().import_data(load_ledger_file(sys.argv[1]));"
        "assert not r.has_errors() and not r.has_validation_errors(), 'bad rows'"
    )
    seconds, rss_old, _ = measure([sys.executable, "-c", old_code, str(old)])
    results.append((f"row by row (the resource, before), {OLD_ROWS:,} rows", OLD_ROWS, seconds, rss_old))
    empty()

    print(f"\nfile: {ROWS:,} rows, {size:.1f} MiB CSV")
    print(f"{'run':58} {'seconds':>8} {'rows/s':>9} {'peak MiB':>9} {'÷ COPY':>7}")
    copy_rate = count / copy_seconds
    for name, rows, seconds, peak in results + others:
        rate = rows / seconds
        print(f"{name:58} {seconds:>8.2f} {rate:>9,.0f} {peak or 0:>9.0f} {rate / copy_rate:>7.2f}")


if __name__ == "__main__":
    main()
