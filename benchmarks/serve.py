"""The portal under gunicorn on loopback, for the load benchmarks (load.py, submit.py)."""

import contextlib
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def gunicorn(*, port: int, env: dict, workers: int = 4):
    """Yields the server process once 127.0.0.1:``port`` accepts connections; stops it afterwards."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "unionportal.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
