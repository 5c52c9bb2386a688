"""A bounded HTTP load generator for 127.0.0.1: threads, each one client with http.client.

Every run is bounded twice, by a number of requests and by seconds, and
stops by itself. Each client keeps its own cookie (the survey's CSRF token
lives in the session cookie), so a client is one browser.
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
NAME = re.compile(r'name="([^"]+)"')
VALUE = re.compile(r'value="([^"]*)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page: csrf_token, submission_key, invitation."""
    fields = {}
    for tag in HIDDEN.findall(html):
        name, value = NAME.search(tag), VALUE.search(tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


class Client:
    """One browser: a connection to the server and the session cookie it was given."""

    def __init__(self, base_url: str, timeout: float = 30) -> None:
        parts = urlsplit(base_url)
        self._connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        #: The session cookie (``session=…``) sent with every request; None for none yet.
        self.cookie: str | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes]:
        """Send one request (never retried: a POST is not idempotent); return status and body."""
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        try:
            self._connection.request(method, path, body=body, headers=headers)
            response = self._connection.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self._connection.close()
            raise
        for cookie in response.headers.get_all("Set-Cookie") or []:
            pair = cookie.split(";", 1)[0]
            if pair.startswith("session="):
                self.cookie = pair
        return response.status, data

    def close(self) -> None:
        self._connection.close()


@dataclass
class Result:
    """What one run measured."""

    name: str
    clients: int
    latencies: list[float] = field(default_factory=list)  # seconds, of the expected answers
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    elapsed: float = 0.0
    expected: int = 200

    @property
    def ok(self) -> int:
        return self.statuses[self.expected]

    @property
    def failed(self) -> int:
        return sum(self.statuses.values()) - self.ok + sum(self.errors.values())

    @property
    def rps(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    def percentile(self, q: float) -> float:
        """Latency in milliseconds at quantile ``q`` (0..1)."""
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0] * 1000
        cuts = statistics.quantiles(self.latencies, n=1000, method="inclusive")
        return cuts[min(int(q * 1000), 999) - 1] * 1000


#: One request of a client: returns the status; raises on a broken connection.
Step = Callable[[Client, int], int]


def run(
    name: str,
    base_url: str,
    clients: int,
    step: Step,
    *,
    per_client: int,
    max_seconds: float,
    expected: int = 200,
    prepare: Callable[[Client, int], None] | None = None,
) -> Result:
    """``clients`` threads send ``per_client`` requests each, or fewer once time is up.

    ``step(client, client_number)`` sends one request and returns its status;
    ``prepare(client, client_number)``, if given, runs untimed before the
    start (for example to fetch the forms the client will send).
    """
    result = Result(name, clients, expected=expected)
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = [float("inf")]

    def worker(number: int) -> None:
        client = Client(base_url)
        try:
            try:
                if prepare is not None:
                    prepare(client, number)
            finally:
                start.wait()
            for _ in range(per_client):
                if time.monotonic() > deadline[0]:
                    break
                began = time.perf_counter()
                try:
                    status = step(client, number)
                except Exception as error:  # a timeout or a dropped connection
                    with lock:
                        result.errors[type(error).__name__] += 1
                    continue
                took = time.perf_counter() - began
                with lock:
                    result.statuses[status] += 1
                    if status == expected:
                        result.latencies.append(took)
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    start.wait(timeout=max_seconds * 20 + 120)  # the untimed preparation
    began = time.monotonic()
    deadline[0] = began + max_seconds
    for thread in threads:
        thread.join(timeout=max(0.0, deadline[0] + 60 - time.monotonic()))
    result.elapsed = time.monotonic() - began
    hung = sum(thread.is_alive() for thread in threads)
    if hung:
        result.errors["hung"] += hung
    return result
