"""Real gunicorn instances for tests and benchmarks: free ports, readiness, a sure stop."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Instance:
    """One gunicorn master with its workers, in a process group of its own."""

    url: str
    process: subprocess.Popen
    log: Path

    def stop(self, grace: float = 10) -> None:
        """SIGTERM the whole group, SIGKILL it if it lingers; never raises."""
        if self.process.poll() is None:
            _signal_group(self.process, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _signal_group(self.process, signal.SIGKILL)
                self.process.wait(timeout=grace)
        _signal_group(self.process, signal.SIGKILL)  # any orphaned worker


def _signal_group(process: subprocess.Popen, number: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, number)


def start_gunicorn(
    environment: dict[str, str],
    log_dir: Path,
    *,
    workers: int | None = 2,
    app: str | None = None,
    ready_path: str = "/privacy",
    timeout: float = 60,
) -> Instance:
    """Start gunicorn with deploy/gunicorn.conf.py on a free port; return once it answers."""
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    access_log = log_dir / f"access-{port}.log"
    error_log = log_dir / f"error-{port}.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(GUNICORN_CONF),
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        str(access_log),
        "--error-logfile",
        str(error_log),
    ]
    if workers is not None:
        command += ["--workers", str(workers)]
    if app is not None:
        command.append(app)
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **environment},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    instance = Instance(f"http://127.0.0.1:{port}", process, access_log)
    try:
        _wait_until_ready(instance, ready_path, timeout, error_log)
    except BaseException:
        instance.stop()
        raise
    return instance


def _wait_until_ready(instance: Instance, path: str, timeout: float, error_log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if instance.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{_tail(error_log)}")
        try:
            with urllib.request.urlopen(instance.url + path, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{_tail(error_log)}")


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
