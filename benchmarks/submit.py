"""Report submission under 32 concurrent officers, against gunicorn on loopback, on the province of
province.py, as a ratio to a bare POST through the same middleware measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_province .venv/bin/python benchmarks/submit.py

32 officers of county 330100, each with a session and a CSRF token of their own, post the report form
(`/reports/new/` with `submit`, ~10% emergencies) from 32 threads for LOAD_SECONDS seconds (default 10);
the baseline posts the same body to `bench/post/` (bench_urls.py): CSRF check, login and officer check,
then 204. The server runs benchmarks.bench_settings (production settings) with REDIS_URL pointing at
Redis DB 14, so emergency alerts are really published; that DB must be empty and is flushed afterwards.

Afterwards the reports created are counted against the 302 answers (by the ids in their Location
headers) and deleted with their alert rows, so the province stays as it was. Needs a loaded province
(province.py); this script does not load one. Traffic goes to 127.0.0.1 only.
"""

import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8766  # load.py uses 8765
SECONDS = int(os.environ.get("LOAD_SECONDS", "10"))
OFFICERS = 32
EMERGENCY_EVERY = 10
REDIS_URL = "redis://127.0.0.1:6379/14"
BARE, SUBMIT = "/bench/post/", "/reports/new/"


def cpu_snapshot(server_pid, database):
    """Clock ticks used so far by the whole machine (busy, all cores) and by each process of the run:
    gunicorn (master and workers), PostgreSQL (this database's backends and the shared background
    processes) and this driver. Whatever else the machine did shows as the rest."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    busy = sum(fields) - fields[3] - fields[4]  # all but idle and iowait
    ticks = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        pid, ppid = int(entry), int(stat[1])
        if pid == os.getpid():
            group = "driver"
        elif server_pid in (pid, ppid):
            group = "gunicorn"
        elif cmdline.startswith("postgres:"):
            words = cmdline.split()
            backend = len(words) >= 5 and "(" in words[4]  # postgres: 15/main: user database host(port) state
            if backend and words[3] != database:
                continue  # another database's client: the rest
            group = "postgres"
        else:
            continue
        ticks[pid] = (group, int(stat[11]) + int(stat[12]))  # utime + stime
    return busy, ticks


def cpu_shares(before, after, seconds):
    """Per cent of one core used by each group between two snapshots (the machine has 200%)."""
    hz = os.sysconf("SC_CLK_TCK")
    used = {"gunicorn": 0, "postgres": 0, "driver": 0}
    for pid, (group, ticks) in after[1].items():
        used[group] += ticks - before[1].get(pid, (group, 0))[1]
    used["rest"] = after[0] - before[0] - sum(used.values())
    return {group: 100 * ticks / hz / seconds for group, ticks in used.items()}


def drive(path, seconds, sessions, body_for):
    """32 threads, one officer and one HTTP connection each, posting until the deadline; every request
    started before it is answered and recorded. Returns the records and the elapsed time."""
    records = [[] for _ in sessions]
    barrier = threading.Barrier(len(sessions) + 1)
    box = {}

    def officer(i):
        session_key, secret, token = sessions[i]
        headers = {
            "Cookie": f"sessionid={session_key}; csrftoken={secret}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        out, n = records[i], 0
        barrier.wait()
        deadline = box["deadline"]
        while (started := time.perf_counter()) < deadline:
            try:
                conn.request("POST", path, body_for(i, n, token), headers)
                response = conn.getresponse()
                response.read()
                status, location = response.status, response.getheader("Location")
            except (OSError, http.client.HTTPException):
                conn.close()
                status, location = 0, None
            ended = time.perf_counter()
            out.append((ended, ended - started, status, location, i, n))
            n += 1
        conn.close()

    threads = [threading.Thread(target=officer, args=(i,)) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    t0 = time.perf_counter()
    box["deadline"] = t0 + seconds
    barrier.wait()
    for thread in threads:
        thread.join()
    flat = [r for rs in records for r in rs]
    elapsed = max(r[0] for r in flat) - t0
    return flat, elapsed


def summary(records, elapsed, ok_status):
    latencies = sorted(r[1] * 1000 for r in records)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(records),
        "rps": len(records) / elapsed,
        "p50": cuts[49],
        "p95": cuts[94],
        "ok": sum(1 for r in records if r[2] == ok_status),
        "bad": sum(1 for r in records if not 200 <= r[2] < 400),
        "other": sum(1 for r in records if r[2] != ok_status and 200 <= r[2] < 400),
    }


def main():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to the PostgreSQL database of province.py")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "SECRET_KEY": "load-test-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": REDIS_URL,
    }
    os.environ.update(env)
    import django

    django.setup()
    import redis
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, _mask_cipher_secret
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from officers.models import County, Officer
    from officers.services import officer_save, password_changed, staff_upsert
    from reports.models import Report
    from reports.services import alert_recipients
    from unionportal.core.models import OutboxMessage

    if Officer.objects.count() < 50_000 or not County.objects.filter(code="330100").exists():
        sys.exit("No province in this database: run benchmarks/province.py first")
    broker = redis.Redis.from_url(REDIS_URL)
    if broker.dbsize():
        sys.exit(f"{REDIS_URL} is not empty; this script flushes it afterwards, so it refuses to use it")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)

    county = County.objects.get(code="330100")
    # The county's staff receive the emergency alerts: the same two accounts as load.py.
    for phone, name, role in (("13911110001", "压测审核", "reviewer"), ("13911110002", "压测管理", "admin")):
        user, _ = staff_upsert(phone=phone, name=name, county_code=county.code, role=role, password="Load#test2026")
        password_changed(user=user)
    recipients = alert_recipients(county.pk).count()
    officers = list(Officer.objects.filter(county=county, status=Officer.Status.ACTIVE).order_by("pk")[:OFFICERS])
    assert len(officers) == OFFICERS
    sessions = []
    for officer in officers:
        officer = officer_save(officer=officer)
        password_changed(user=officer.user)
        client = Client()
        client.force_login(officer.user)
        secret = get_random_string(32, CSRF_ALLOWED_CHARS)
        # The cookie holds the secret, the form a masked token, as a page rendered with {% csrf_token %} has.
        sessions.append((client.cookies["sessionid"].value, secret, _mask_cipher_secret(secret)))

    prefix = f"压测报送{time.strftime('%Y%m%d%H%M%S')}-"
    occurred_at = timezone.localtime() - timedelta(minutes=5)

    def is_emergency(i, n):
        return (n + i) % EMERGENCY_EVERY == 0

    def report_body(i, n, token, tag=""):
        emergency = is_emergency(i, n)
        return urlencode(
            {
                "csrfmiddlewaretoken": token,
                "title": f"{prefix}{tag}{i}-{n}",
                "urgency": "emergency" if emergency else "general",
                "category": "mass_incident" if emergency else "wage_arrears",
                "occurred_at": occurred_at.strftime("%Y-%m-%dT%H:%M"),
                "content": "某企业拖欠三十名职工两个月工资，职工在厂区门口聚集，要求当面答复。",
                "township": str(officers[i].township_id),
                "enterprise_name": "某某建材有限公司",
                "workers_involved": "30",
                "submit": "1",
            }
        )

    assert Report.objects.filter(title__startswith=prefix).count() == 0
    session_keys = [s[0] for s in sessions]
    try:
        # Query counts and the baseline's protections, through the Django test client with CSRF enforced.
        queries = {}
        session_key, secret, token = sessions[0]
        client = Client(enforce_csrf_checks=True)
        client.cookies["sessionid"], client.cookies["csrftoken"] = session_key, secret
        # A session is written at most once a minute (SessionIdleExpiryMiddleware); the first request after
        # the login writes it. The counts below are the steady state, without that write.
        client.post(
            BARE, report_body(0, 1, token), content_type="application/x-www-form-urlencoded", HTTP_HOST="127.0.0.1"
        )
        for name, path, n, expect in (
            ("bare", BARE, 1, 204),
            ("general", SUBMIT, 1, 302),
            ("emergency", SUBMIT, 0, 302),
        ):
            body = report_body(0, n, token, tag="client-")
            with CaptureQueriesContext(connection) as ctx:
                response = client.post(
                    path, body, content_type="application/x-www-form-urlencoded", HTTP_HOST="127.0.0.1"
                )
            assert response.status_code == expect, (name, response.status_code)
            queries[name] = len(ctx)
        no_token = client.post(BARE, {}, HTTP_HOST="127.0.0.1")
        anonymous = Client(enforce_csrf_checks=True)
        anonymous.cookies["csrftoken"] = secret
        no_login = anonymous.post(BARE, {"csrfmiddlewaretoken": token}, HTTP_HOST="127.0.0.1")
        assert no_token.status_code == 403 and no_login.status_code == 302, (no_token, no_login)
        client_made = Report.objects.filter(title__startswith=prefix).count()
        assert client_made == 2, client_made
        queued_before = broker.llen("alerts")
        connection.close()

        from benchmarks import serve

        with serve.gunicorn(port=PORT, env=env) as server:
            # The baseline posts the very same bodies; it saves nothing.
            drive(BARE, 1, sessions, report_body)  # warm-up: every worker loads the URLconf and connects
            load = os.getloadavg()
            database = connection.settings_dict["NAME"]
            runs, cpu = {}, {}
            for name, path, ok in (
                ("bare POST (baseline)", BARE, 204),
                ("report submission", SUBMIT, 302),
                ("bare POST again", BARE, 204),
            ):
                before = cpu_snapshot(server.pid, database)
                runs[name] = drive(path, SECONDS, sessions, report_body), ok
                cpu[name] = cpu_shares(before, cpu_snapshot(server.pid, database), runs[name][0][1])

        results = {name: summary(records, elapsed, ok) for name, ((records, elapsed), ok) in runs.items()}
        submitted = runs["report submission"][0][0]
        answered = {int(r[3].rstrip("/").rsplit("/", 1)[1]) for r in submitted if r[2] == 302}
        answered_emergencies = sum(1 for r in submitted if r[2] == 302 and is_emergency(r[4], r[5]))
        made = Report.objects.filter(title__startswith=prefix).exclude(title__startswith=prefix + "client-")
        made_ids = set(made.values_list("pk", flat=True))
        emergencies = made.filter(urgency="emergency").count()
        not_submitted = made.exclude(status="submitted").count()
        alerts = OutboxMessage.objects.filter(kind="alert", report__in=made).count()
        queued = broker.llen("alerts") - queued_before

        base, sub = results["bare POST (baseline)"], results["report submission"]
        print(f"{OFFICERS} officers, {SECONDS} s a run, load average before the runs {load[0]:.2f}")
        for name, r in results.items():
            # CPU time of gunicorn and PostgreSQL per request: less sensitive than req/s to other work on the machine.
            r["cpu_ms"] = (cpu[name]["gunicorn"] + cpu[name]["postgres"]) * 10 / r["rps"]
        print(
            f"{'run':22} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms/req':>10} "
            f"{'ok':>6} {'other':>6} {'bad':>5}"
        )
        for name, r in results.items():
            print(
                f"{name:22} {r['requests']:>8} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['cpu_ms']:>10.1f} "
                f"{r['ok']:>6} {r['other']:>6} {r['bad']:>5}"
            )
        print("CPU during each run, % of one core (the machine has 200%):")
        for name, shares in cpu.items():
            print(f"  {name:22} " + ", ".join(f"{group} {share:.0f}%" for group, share in shares.items()))
        print(
            f"ratios: submission req/s ÷ bare = {sub['rps'] / base['rps']:.3f}; "
            f"p50 ÷ bare = {sub['p50'] / base['p50']:.1f}; p95 ÷ bare = {sub['p95'] / base['p95']:.1f}; "
            f"server CPU per request ÷ bare = {sub['cpu_ms'] / base['cpu_ms']:.1f}"
        )
        print(f"SQL queries (test client): bare POST {queries['bare']}, ", end="")
        print(f"general submission {queries['general']}, emergency submission {queries['emergency']}")
        print(
            f"database: {len(made_ids)} reports created for {len(answered)} answers 302 "
            f"({'same ids' if made_ids == answered else 'IDS DIFFER'}), {not_submitted} not 'submitted'; "
            f"{emergencies} emergencies ({answered_emergencies} answered), "
            f"{alerts} alert rows for {recipients} recipients, {queued} tasks in Redis"
        )
        assert made_ids == answered, (len(made_ids), len(answered))
        assert not_submitted == 0 and emergencies == answered_emergencies
        assert alerts == emergencies * recipients == queued, (alerts, emergencies, recipients, queued)
    finally:
        deleted = Report.objects.filter(title__startswith=prefix).delete()
        Session.objects.filter(session_key__in=session_keys).delete()
        broker.flushdb()
        left = Report.objects.filter(title__startswith=prefix).count()
        print(f"cleaned up: {deleted[1]}, {left} benchmark reports left, {REDIS_URL} flushed")


if __name__ == "__main__":
    main()
