"""A private Redis server and the project's Celery app pointed at it, for tests that need a real
broker and a real worker (and that stop the broker on purpose without disturbing anything else)."""

import shutil
import socket
import subprocess
import time
from types import SimpleNamespace

import pytest

from unionportal.celery import app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port) -> bool:
    result = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, timeout=5)
    return result.stdout.strip() == "PONG"


def wait_until(predicate, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed (CI installs it)")
    port = _free_port()

    def start():
        subprocess.run(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(tmp_path),
                "--pidfile",
                str(tmp_path / "redis.pid"),
            ],
            check=True,
            capture_output=True,
            timeout=10,
        )
        assert wait_until(lambda: _answers(port))

    def stop():
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True, timeout=10)
        assert wait_until(lambda: not _answers(port))

    start()
    yield SimpleNamespace(url=f"redis://127.0.0.1:{port}/0", start=start, stop=stop)
    if _answers(port):
        stop()


@pytest.fixture
def real_celery(private_redis):
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}

    def forget_connections():
        # Celery caches its connection and producer pools per app; drop them so the new URL is used.
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.update(broker_url=private_redis.url, task_always_eager=False)
    forget_connections()
    yield app
    app.conf.update(saved)
    forget_connections()


@pytest.fixture
def celery_on_redis_url(settings):
    """The project's Celery app on the Redis of REDIS_URL (as CI provides), not eager."""
    import os

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=os.environ["REDIS_URL"], task_always_eager=False)
    app._pool = None
    app.amqp._producer_pool = None
    yield app
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None
