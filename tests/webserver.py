"""`glaneur serve` (gunicorn, several worker processes) on a free loopback port, against the
test database, with a way to choose which worker answers.

``server.only(pid)`` pauses every other worker (SIGSTOP) until the block ends: a paused
process accepts no connection, so the requests of the block all reach that one. A test can
thus spread its requests over the workers on purpose, e.g. N on the first, the next on the
second, and show that a count is shared rather than kept in each process.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.processes import GLANEUR, child_env

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


class GlaneurServer:
    def __init__(self, *, workers: int = 2, port: int | None = None, **env: str) -> None:
        self.port = port or free_port()
        self.workers_wanted = workers
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        # A paused worker misses gunicorn's heartbeat: give it time before it is replaced.
        self.process = subprocess.Popen(
            [GLANEUR, "serve", "--bind", f"{HOST}:{self.port}", "--workers", str(workers)],
            env=child_env(GUNICORN_CMD_ARGS="--timeout 300 --graceful-timeout 5", **env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.workers: list[int] = []

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def start(self, timeout: float = 90) -> None:
        """Wait until every worker has answered a request."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"glaneur serve exited:\n{self.output()}")
            self.workers = children(self.process.pid)
            if len(self.workers) == self.workers_wanted:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not start its workers:\n{self.output()}")
        for worker in self.workers:
            with self.only(worker):
                while True:
                    try:
                        requests.get(
                            self.url("/accounts/login/"), timeout=deadline - time.monotonic()
                        )
                        break
                    except requests.ConnectionError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.1)

    @contextmanager
    def only(self, worker: int) -> Iterator[None]:
        """Requests made in the block are answered by ``worker`` alone."""
        others = [pid for pid in self.workers if pid != worker]
        for pid in others:
            os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            for pid in others:
                os.kill(pid, signal.SIGCONT)

    def output(self) -> str:
        """What the server printed so far."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        for pid in self.workers:
            os.kill(pid, signal.SIGCONT)
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
