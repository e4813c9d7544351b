"""Failure drill (issue: hardening): PostgreSQL restarted under load.

The portal runs in gunicorn with the production settings against a PRIVATE PostgreSQL cluster made
for this test (initdb into a temporary directory, its own port): the shared server on 5432 that the
rest of the suite uses is never stopped. Officers keep opening pages and submitting reports while
the cluster is stopped for a few seconds, twice: a clean shutdown (``pg_ctl -m fast``) and a crash
(``-m immediate``). Meanwhile every answer is a page or the Chinese 503 page (no traceback), no
report is half written, and afterwards the same gunicorn workers serve every page again.
"""

import glob
import http.client
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from tests.celery_support import _free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Drill#pg2026"
OFFICERS = 4  # three submit under load, one probes for recovery
PAGES = ["/", "/reports/", "/reports/new/"]
LEAKS = ("Traceback", 'File "', "psycopg2", "OperationalError", "InterfaceError", "django.db")
OUTAGE_SECONDS = 3
RECOVERY_SECONDS = 20


# ---- a private PostgreSQL cluster -------------------------------------------------------------


def _pg_bindir() -> Path:
    """Debian keeps the server programs in /usr/lib/postgresql/<version>/bin, outside PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: float(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    pytest.fail("PostgreSQL server programs (initdb, pg_ctl) are not installed (CI installs postgresql)")


class PrivatePostgres:
    """A throw-away cluster: trust auth on 127.0.0.1:<port>, its socket in its own directory."""

    def __init__(self):
        self.bindir = _pg_bindir()
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="unionportal-pgdrill-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        # initdb and the server refuse to run as root: as root (CI), they run as the postgres user.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/unionportal"

    def _run(self, *args, timeout=60):
        done = subprocess.run([*self.as_owner, *args], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            pytest.fail(f"{Path(args[0]).name} failed: {done.stdout}{done.stderr}\npostgres.log:\n{self.log_tail()}")

    def create(self):
        if self.as_owner:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            self.bindir / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale",
            "--no-sync",
        )  # fmt: skip
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.dir}'\n"
                # fsync only matters when the machine crashes; a crash of PostgreSQL itself (the
                # immediate stop) still replays the WAL. Commits stay synchronous.
                "fsync = off\nfull_page_writes = off\nmax_connections = 40\n"
            )
        self.start()
        self._run(self.bindir / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "unionportal")

    def start(self):
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start", timeout=90)

    def stop(self, mode="fast"):
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop", timeout=90)

    def destroy(self):
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():
            stop = [*self.as_owner, self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"]
            try:
                subprocess.run(stop, capture_output=True, timeout=60)
            except subprocess.SubprocessError:
                pass
        try:
            # Still there: kill the postmaster, if that pid is really this cluster's postmaster.
            pid = int(pid_file.read_text().split()[0])
            if str(self.data).encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def query(self, sql):
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="unionportal")
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        finally:
            conn.close()


@pytest.fixture
def private_postgres():
    cluster = PrivatePostgres()
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.destroy()


# ---- the portal in gunicorn, production settings ----------------------------------------------


REFERENCE = re.compile(r"错误编号：<strong[^>]*>([0-9A-F]{8})</strong>")  # on the 500 page (core.error_reference)


def _tracebacks(log_path, failed=(), *, most: int = 3) -> str:
    """Tracebacks of the server's log, for a failed assertion's message.

    The 500 page shows its 错误编号, and the log line of that error ends with it: the errors of the
    ``failed`` answers are found by it. Otherwise, those that stayed 500s: a lost database is logged as
    "Internal Server Error: <path> [错误编号 X]" with its traceback, then "Service Unavailable: <path>
    [错误编号 X]" once its page became the 503; three workers write to one log, so the two lines are
    paired by their reference, not by their order. Else the last few tracebacks."""
    text = log_path.read_text(errors="replace")
    errors = [entry for entry in re.split(r"(?m)^(?=Internal Server Error: )", text) if entry.startswith("Internal")]

    def reference(entry):
        found = re.match(r"Internal Server Error: \S+ \[错误编号 ([0-9A-F]{8})\]", entry)
        return found.group(1) if found else None

    shown = {found for seen in failed for found in REFERENCE.findall(seen.body)}
    answered = [entry for entry in errors if reference(entry) in shown]
    if answered:
        return "The errors of the answers that failed (by their 错误编号):\n" + "\n".join(
            entry[:6000] for entry in answered[-most:]
        )
    became_503 = set(re.findall(r"Service Unavailable: \S+ \[错误编号 ([0-9A-F]{8})\]", text))
    kept = [entry for entry in errors if reference(entry) not in became_503]
    if kept:
        return "Errors answered with a 500:\n" + "\n".join(entry[:6000] for entry in kept[-most:])
    blocks = text.split("Traceback (most recent call last):")[1:]
    return "\n".join("Traceback (most recent call last):" + block[-2500:] for block in blocks[-most:])


SETUP = """
from django.contrib.auth.hashers import make_password
from officers.models import Officer, User
from officers.services import county_upsert, officer_save

county, _ = county_upsert(code="320922", name="滨海县", townships=["东坎街道"])
hashed = make_password({password!r})  # one hash for every account: hashing is slow on purpose
User.objects.create(
    username="13900000001", full_name="演练审核", role="reviewer", county=county, email="r@example.org",
    password=hashed,
)
User.objects.create(username="13900000002", full_name="演练管理", role="admin", county=county, password=hashed)
for i in range({officers}):
    officer = officer_save(officer=Officer(name=f"演练信息员{{i}}", phone=f"1380000000{{i}}", county=county,
                                           category="frontline"))
    User.objects.filter(pk=officer.user_id).update(password=hashed, password_change_required=False)
"""
# The reviewer has an email: each emergency report writes 3 alert rows (2 for the reviewer, 1 for the admin).
ALERTS_PER_REPORT = 3


def _gunicorn_workers(master_pid) -> set[int]:
    workers = set()
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == master_pid:
            workers.add(int(Path(stat).parent.name))
    return workers


@pytest.fixture
def portal(private_postgres, private_redis):
    work = Path(tempfile.mkdtemp(prefix="unionportal-pgdrill-app-"))
    server = log = None
    try:
        # The production settings, with the collected static files in this test's directory, not var/.
        (work / "drill_settings.py").write_text(
            f"from unionportal.settings.production import *  # noqa\nSTATIC_ROOT = {str(work / 'static')!r}\n"
        )
        port = _free_port()
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(work), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "drill_settings",
            "SECRET_KEY": "drill-only-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": private_postgres.url,
            "CONN_MAX_AGE": "60",
            "REDIS_URL": private_redis.url,  # the emergency alerts go to a broker no other test reads
            "EMAIL_URL": "consolemail://",
            "MEDIA_ROOT": str(work / "media"),
            "LOG_LEVEL": "WARNING",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        for args in (
            ["migrate", "--noinput", "-v0"],
            ["collectstatic", "--noinput", "-v0"],
            ["shell", "-c", SETUP.format(password=PASSWORD, officers=OFFICERS)],
        ):
            done = subprocess.run([*manage, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
        log = open(work / "gunicorn.log", "w")
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "unionportal.wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--workers", "3", "--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        assert wait_until(lambda: server.poll() is not None or _status(port, "/healthz") == 200, seconds=30)
        assert server.poll() is None, (work / "gunicorn.log").read_text()[-3000:]
        yield SimpleNamespace(port=port, server=server, log=work / "gunicorn.log", cluster=private_postgres)
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        if log is not None:
            log.close()
        shutil.rmtree(work, ignore_errors=True)


# ---- officers in a browser, roughly -----------------------------------------------------------


def _status(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


@dataclass
class Seen:
    started: float
    method: str
    path: str
    status: int | None  # None: no HTTP answer at all (reset, refused, timeout)
    body: str = ""
    location: str = ""
    retry_after: str = ""
    title: str = ""
    finished: float = field(default_factory=time.monotonic)


@dataclass
class Browser:
    """Keeps cookies itself: the production cookies are Secure, which a client would not send over
    the plain HTTP of this loopback test (the portal sits behind a TLS proxy in production)."""

    port: int
    seen: list = field(default_factory=list)
    cookies: dict = field(default_factory=dict)

    def request(self, method, path, form=None, title=""):
        started = time.monotonic()
        headers = {"Host": "127.0.0.1", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    for morsel in SimpleCookie(value).values():
                        self.cookies[morsel.key] = morsel.value
            seen = Seen(
                started, method, path, response.status, text, response.getheader("Location", ""),
                response.getheader("Retry-After", ""), title,
            )  # fmt: skip
        except OSError as exc:
            seen = Seen(started, method, path, None, repr(exc), title=title)
        finally:
            conn.close()
        self.seen.append(seen)
        return seen

    def log_in(self, phone):
        self.request("GET", "/accounts/login/")
        answer = self.request("POST", "/accounts/login/", {"username": phone, "password": PASSWORD})
        assert answer.status == 302 and "sessionid" in self.cookies, (answer.status, answer.body[-2000:])

    def submit(self, title):
        occurred = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=30)
        form = {
            "title": title,
            "urgency": "emergency",
            "category": "wage_arrears",
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "content": f"演练内容：{title}",
            # the 初报's essentials (issue 16)
            "enterprise_name": "演练企业",
            "workers_involved": "30",
            "demands": "要求补发工资",
            "submit": "报送",
        }
        # An emergency names its place: the township offered by the form this browser last loaded.
        pages = [s.body for s in self.seen if s.method == "GET" and s.path == "/reports/new/" and s.status == 200]
        place = re.search(r'name="township"[^>]*>.*?<option value="(\d+)"', pages[-1], re.S) if pages else None
        if place:
            form["township"] = place.group(1)
        answer = self.request("POST", "/reports/new/", form, title=title)
        if answer.status == 302 and re.fullmatch(r"/reports/\d+/", answer.location):
            self.request("GET", answer.location)
        return answer


def _is_success(seen: Seen) -> bool:
    if seen.method == "POST":
        return seen.status == 302 and bool(re.fullmatch(r"/reports/\d+/", seen.location))
    return seen.status == 200


def _clean_failure_problem(seen: Seen) -> str | None:
    """Why this answer is not a clean failure, or None when it is one."""
    if seen.status is None:
        return "no HTTP answer: " + seen.body[:200]
    leaked = [word for word in LEAKS if word in seen.body]
    if leaked:
        return f"{seen.status} shows {leaked}"
    if seen.path == "/healthz":
        if seen.status == 503 and seen.body.startswith("{"):
            if json.loads(seen.body) == {"status": "error", "database": "unavailable"}:
                return None
        return f"/healthz answered {seen.status}: {seen.body[:200]}"
    if seen.status != 503:
        return f"{seen.status} instead of 503 (Location {seen.location!r}): {seen.body[:300]!r}"
    if "系统暂时无法连接数据库" not in seen.body or not seen.retry_after:
        return f"503 without the Chinese page or Retry-After: {seen.body[:300]!r}"
    return None


def _summary(seen_list) -> str:
    counts = {}
    for seen in seen_list:
        key = (seen.method, "/healthz" if seen.path == "/healthz" else "page", seen.status)
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{m} {p} {s}: {n}" for (m, p, s), n in sorted(counts.items(), key=str))


def test_the_drills_log_reading_pairs_lines_by_their_reference(tmp_path):
    """Three workers' lines interleave: a 500 is paired with its 503 by the 错误编号, and the error of an
    answer that failed is found by the reference its page showed."""
    log = tmp_path / "gunicorn.log"
    log.write_text(
        "Internal Server Error: /reports/ [错误编号 AAAA0001]\nTraceback (most recent call last):\n  lost A\n"
        "Internal Server Error: /reports/new/ [错误编号 BBBB0002]\nTraceback (most recent call last):\n  kept B\n"
        "Service Unavailable: /reports/ [错误编号 AAAA0001]\n"
        "Internal Server Error: / [错误编号 CCCC0003]\nTraceback (most recent call last):\n  lost C\n"
        "Service Unavailable: / [错误编号 CCCC0003]\n"
    )
    kept = _tracebacks(log)
    assert "kept B" in kept and "lost A" not in kept and "lost C" not in kept
    page = '<p>错误编号：<strong data-testid="error-reference">CCCC0003</strong>（联系管理员时请告知此编号）</p>'
    answered = _tracebacks(log, [Seen(0.0, "GET", "/", 500, page)])
    assert answered.startswith("The errors of the answers that failed") and "lost C" in answered
    assert "kept B" not in answered


# ---- the drill ----------------------------------------------------------------------------------


@pytest.mark.redis
def test_postgres_restarted_under_load(portal):
    drill_started = time.monotonic()
    cluster = portal.cluster
    browsers = []
    for i in range(OFFICERS):
        browser = Browser(portal.port)
        browser.log_in(f"1380000000{i}")
        browser.seen.clear()
        browsers.append(browser)
    load, probe = browsers[:-1], browsers[-1]
    monitor, health_probe = Browser(portal.port), Browser(portal.port)  # load balancers: no cookies
    assert wait_until(lambda: len(_gunicorn_workers(portal.server.pid)) == 3, seconds=10)
    workers = _gunicorn_workers(portal.server.pid)

    stop = threading.Event()

    def officer_loop(browser, n):
        for i in itertools.count():
            if stop.is_set():
                return
            for path in PAGES:
                browser.request("GET", path)
            browser.submit(f"演练报送-{n}-{i}")  # unique: each is looked for in the database
            time.sleep(0.02)

    def monitor_loop():
        while not stop.is_set():
            monitor.request("GET", "/healthz")
            time.sleep(0.1)

    threads = [threading.Thread(target=officer_loop, args=(b, n), daemon=True) for n, b in enumerate(load)]
    threads.append(threading.Thread(target=monitor_loop, daemon=True))
    outages = []
    try:
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        for mode in ("fast", "immediate"):
            down = time.monotonic()
            cluster.stop(mode)
            time.sleep(OUTAGE_SECONDS)
            cluster.start()
            up = time.monotonic()

            def recovered():
                answers = [probe.request("GET", path) for path in PAGES] + [health_probe.request("GET", "/healthz")]
                return all(a.status == 200 for a in answers)

            assert wait_until(recovered, seconds=RECOVERY_SECONDS), (
                f"not recovered {RECOVERY_SECONDS} s after PostgreSQL came back ({mode}):\n"
                + _summary(probe.seen[-8:] + health_probe.seen[-8:])
                + "\n"
                + portal.log.read_text()[-3000:]
            )
            recovered_at = time.monotonic()
            time.sleep(1.5)  # load goes on after recovery: every answer now is a success
            outages.append(SimpleNamespace(mode=mode, down=down, up=up, recovered=recovered_at, until=time.monotonic()))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    everything = [seen for browser in [*browsers, monitor, health_probe] for seen in browser.seen]
    failures = [seen for seen in everything if not _is_success(seen)]
    report = "\n".join(
        [
            f"drill took {time.monotonic() - drill_started:.1f} s; answers: {_summary(everything)}",
            *(
                f"{o.mode}: down {o.up - o.down:.1f} s, recovered {o.recovered - o.up:.2f} s after start; "
                f"answers meanwhile: {_summary([s for s in everything if o.down <= s.started < o.up])}"
                for o in outages
            ),
        ]
    )
    print(report)

    # Before the first outage, and after each recovery, every answer is a success.
    assert not [s for s in failures if s.finished < outages[0].down], report
    for outage in outages:
        late = [s for s in failures if outage.recovered <= s.started and s.finished < outage.until]
        assert not late, f"failures after recovery ({outage.mode}): {_summary(late)}\n{report}"
    # The outages were real: officers and the monitor saw them.
    for outage in outages:
        during = [s for s in failures if outage.down <= s.started < outage.up]
        assert any(s.path == "/healthz" for s in during), report
        assert any(s.path != "/healthz" for s in during), report
    # (a) Every failure is a clean one: the 503 page in Chinese with Retry-After, no traceback.
    problems = [(s.method, s.path, _clean_failure_problem(s)) for s in failures]
    problems = [p for p in problems if p[2]]
    # The server's log says what raised (its tracebacks are the log's, never a page's).
    assert not problems, f"{len(problems)} unclean answers, e.g. {problems[:5]}\n{report}\n" + _tracebacks(
        portal.log, [s for s in failures if _clean_failure_problem(s)]
    )
    # The same gunicorn master and workers: the portal recovered by itself, nothing was restarted.
    assert portal.server.poll() is None
    assert _gunicorn_workers(portal.server.pid) == workers

    # (b) No partial writes. A report an officer saw submitted is there once, with its alert rows;
    # one whose answer was an error page is either absent or complete (the database may have
    # committed it just before the session save failed).
    posts = [s for b in load for s in b.seen if s.method == "POST"]
    succeeded = {s.title for s in posts if _is_success(s)}
    failed = {s.title for s in posts if not _is_success(s)}
    assert len(succeeded) >= len(load) and failed, report
    rows = cluster.query(
        "SELECT r.title, r.status, r.submitted_at IS NOT NULL, count(a.id) FROM reports_report r "
        "LEFT JOIN core_outboxmessage a ON a.report_id = r.id GROUP BY r.id, r.title, r.status, r.submitted_at"
    )
    titles = [row[0] for row in rows]
    assert len(titles) == len(set(titles)), "a report stored twice"
    assert set(titles) <= succeeded | failed, "a report nobody submitted"
    assert succeeded <= set(titles), f"reports seen submitted but missing: {sorted(succeeded - set(titles))[:5]}"
    incomplete = [row for row in rows if row[1:] != ("submitted", True, ALERTS_PER_REPORT)]
    assert not incomplete, f"reports without all their rows: {incomplete[:5]}"
    assert not cluster.query(
        "SELECT id FROM core_outboxmessage "
        "WHERE report_id IS NOT NULL AND report_id NOT IN (SELECT id FROM reports_report)"
    )

    # (c) After the drill every officer can still work in the same session.
    for n, browser in enumerate(load):
        for path in PAGES:
            assert browser.request("GET", path).status == 200
        assert _is_success(browser.submit(f"演练之后-{n}"))
    assert time.monotonic() - drill_started < 60, report
