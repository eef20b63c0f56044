"""A phone speaking the sync protocol over real HTTP(S), with its retry rules.

What docs/sync-protocol.md §2.4 asks of a client: resend the same operations unchanged on a
network error, a 5xx, a 429 or a 503, waiting at least the server's Retry-After (with backoff);
keep the pull cursor. Used by the fault tests (tests/deploy/test_faults.py) and by the load
bench (bench/load.py), which also reads the latencies it records.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import random
import ssl
import time
import uuid
from dataclasses import dataclass, field

PUSH = "/api/v1/sync/push"
PULL = "/api/v1/sync/pull"
ENROL = "/api/v1/devices/enrol"
RETRIED = {429, 500, 502, 503, 504}  # 500 is retried too, but counted: the server must not send it


@dataclass
class Answer:
    status: int  # 0: no answer (connection refused, reset, timed out)
    headers: dict[str, str]
    body: object
    seconds: float

    @property
    def retry_after(self) -> float | None:
        value = self.headers.get("retry-after", "")
        return float(value) if value.isdigit() else None


@dataclass
class Phone:
    port: int
    https: bool = False
    real_ip: str = "203.0.113.50"
    timeout: float = 60
    token: str | None = None
    cursor: str | None = None
    # Every answer the phone got, in order: (path, status, Retry-After) — what the tests count.
    log: list[tuple[str, int, float | None]] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=lambda: {PUSH: [], PULL: []})
    _conn: http.client.HTTPConnection | None = None

    # --- transport ------------------------------------------------------------------------
    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            if self.https:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE  # the bench's own self-signed certificate
                self._conn = http.client.HTTPSConnection(
                    "127.0.0.1", self.port, timeout=self.timeout, context=context
                )
            else:
                self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(self, method: str, path: str, body: dict | None = None) -> Answer:
        headers = {"Host": "127.0.0.1", "Accept": "application/json", "X-Real-IP": self.real_ip}
        if not self.https:
            headers["X-Forwarded-Proto"] = "https"  # what nginx adds after TLS
        if self.token:
            headers["Authorization"] = f"Device {self.token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            conn = self._connection()
            conn.request(method, path, body=payload, headers=headers)
            raw = conn.getresponse()
            data = raw.read()
            answer_headers = {k.lower(): v for k, v in raw.getheaders()}
            status = raw.status
            if answer_headers.get("connection", "").lower() == "close":
                self.close()
        except (OSError, http.client.HTTPException):
            self.close()
            return self._logged(path, Answer(0, {}, None, time.perf_counter() - started))
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = data.decode(errors="replace")
        return self._logged(path, Answer(status, answer_headers, parsed, time.perf_counter() - started))

    def _logged(self, path: str, answer: Answer) -> Answer:
        key = path.split("?", 1)[0]
        self.log.append((key, answer.status, answer.retry_after))
        if answer.status == 200 and key in self.latencies:
            self.latencies[key].append(answer.seconds)
        return answer

    # --- the protocol -------------------------------------------------------------------------
    def enrol(self, username: str, password: str, label: str = "Téléphone", install_id=None) -> dict:
        body = {"username": username, "password": password, "label": label}
        if install_id:
            body["install_id"] = str(install_id)
        answer = self.request("POST", ENROL, body)
        assert answer.status == 201, (answer.status, answer.body)
        self.token = answer.body["token"]
        return answer.body

    def push(self, operations: list[dict], device: dict | None = None) -> Answer:
        body: dict = {"sent_at": now_iso(), "operations": operations}
        if device is not None:
            body["device"] = device
        return self.request("POST", PUSH, body)

    def push_until_answered(
        self, operations: list[dict], *, device: dict | None = None, attempts: int = 30
    ) -> Answer:
        """Sends the batch, and the same batch again after each transient failure (§2.4)."""
        for attempt in range(1, attempts + 1):
            answer = self.push(operations, device)
            if answer.status not in RETRIED and answer.status != 0:
                return answer
            self.wait_before_retry(attempt, answer)
        raise AssertionError(f"no answer after {attempts} attempts: {self.log[-attempts:]}")

    @staticmethod
    def wait_before_retry(attempt: int, answer: Answer) -> None:
        """Backoff with jitter from 50 ms (a test's scale), never under the server's Retry-After."""
        backoff = min(2.0, 0.05 * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)
        time.sleep(max(backoff, answer.retry_after or 0))

    def pull_all(self, *, attempts: int = 30) -> list[dict]:
        """Pulls from the phone's cursor until `more` is false; returns the items received."""
        items: list[dict] = []
        failures = 0
        while True:
            path = f"{PULL}?limit=500" + (f"&cursor={self.cursor}" if self.cursor else "")
            answer = self.request("GET", path)
            if answer.status in RETRIED or answer.status == 0:
                failures += 1
                assert failures < attempts, self.log[-attempts:]
                self.wait_before_retry(failures, answer)
                continue
            assert answer.status == 200, (answer.status, answer.body)
            items += answer.body["items"]
            self.cursor = answer.body["cursor"]
            if not answer.body["more"]:
                return items


def now_iso(offset: dt.timedelta = dt.timedelta()) -> str:
    return (dt.datetime.now(dt.UTC) + offset).isoformat()


def contact_create(
    session_uuid: str,
    *,
    minutes_ago: float = 5,
    i: int = 0,
    hotspot: int | None = None,
    at: dt.datetime | None = None,
) -> dict:
    """A street contact; `i` varies its age band, gender, concerns and actions."""
    when = (at or dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)).isoformat()
    data = {
        "session": session_uuid,
        "occurred_at": when,
        "age_band": ["13_14", "15_17", "18_21"][i % 3],
        "gender": ["girl", "boy", "unknown"][i % 3],
        "level": "exchange",
        "is_first_contact": i % 4 == 0,
        "concerns": ["running_away", "psychological_suffering"][: 1 + i % 2],
        "actions": ["prevention_talk", "direct_advice"][: 1 + i % 2],
    }
    if hotspot is not None:
        data["hotspot"] = hotspot
    return {
        "op": "contact.create",
        "uuid": str(uuid.uuid4()),
        "client_created_at": when,
        "client_updated_at": when,
        "data": data,
    }


def contact_update(contact_uuid: str, base_version: int, **data) -> dict:
    return {
        "op": "contact.update",
        "uuid": contact_uuid,
        "base_version": base_version,
        "client_updated_at": now_iso(),
        "data": data,
    }


def session_start(session_uuid: str, *, territory: int | None = None, minutes_ago: float = 60) -> dict:
    when = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)).isoformat()
    data: dict = {"started_at": when}
    if territory is not None:
        data.update(kind="street", territory=territory)
    return {
        "op": "session.start",
        "uuid": session_uuid,
        "client_created_at": when,
        "client_updated_at": when,
        "data": data,
    }
