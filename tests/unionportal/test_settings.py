import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(env_overrides, *args):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "unionportal.settings.production"} | env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_check({"ALLOWED_HOSTS": "portal.example.org", "DATABASE_URL": "sqlite:////tmp/x.sqlite3"})
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_production_refuses_to_start_without_database_url():
    result = run_check({"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "portal.example.org"})
    assert result.returncode != 0
    assert "Set the DATABASE_URL environment variable" in result.stderr


def test_production_settings_pass_deploy_check():
    result = run_check(
        {
            "SECRET_KEY": "k3#v9!q" * 10,
            "ALLOWED_HOSTS": "portal.example.org",
            "DATABASE_URL": "sqlite:////tmp/unionportal-deploy-check.sqlite3",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_docker_compose_file_is_valid():
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            "docker-compose.yml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_silent_redis_fails_a_cache_read_in_seconds():
    """A Redis that accepts connections and never answers (a dropped network) must not hold a page
    for the operating system's timeouts: the cache (and the session store) give up after 2 s."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
    code = (
        "import django; django.setup()\n"
        "from django.core.cache import caches\n"
        "for alias in ('default', 'sessions'):\n"
        "    try:\n"
        "        caches[alias].get('x')\n"
        "    except Exception as exc:\n"
        "        print(alias, type(exc).__name__)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "unionportal.settings.test", "REDIS_URL": url}
    env["SESSION_STORE"] = "redis"
    try:
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        silent.close()
    assert result.stdout.split("\n")[:2] == ["default TimeoutError", "sessions TimeoutError"], result.stderr[-2000:]


def test_local_settings_print_mail_on_the_console():
    """`make run` (settings.local): mail is printed, and the worker that sends it prints to the terminal."""
    env = {k: v for k, v in os.environ.items() if k not in ("EMAIL_BACKEND", "DJANGO_SETTINGS_MODULE")}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'unionportal.settings.local'; django.setup();"
        "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.CELERY_WORKER_REDIRECT_STDOUTS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.split() == ["django.core.mail.backends.console.EmailBackend", "False"], result.stderr


def test_make_run_takes_the_port_from_a_variable():
    def dry_run(*args):
        result = subprocess.run(
            ["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
        )
        return result.stdout

    custom = dry_run("PORT=8001")
    assert "门户地址 Portal: http://127.0.0.1:8001/" in custom
    assert "manage.py runserver 127.0.0.1:8001" in custom
    assert "PORTAL_BASE_URL=http://127.0.0.1:8001 " in custom
    default = dry_run()
    assert "门户地址 Portal: http://127.0.0.1:8000/" in default and "runserver 127.0.0.1:8000" in default
