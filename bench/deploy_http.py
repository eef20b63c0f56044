"""Requests per second and latency of a running Maraude server, as a load balancer sees it.

    python bench/deploy_http.py http://127.0.0.1:8000 [requests] [concurrency]

Hits /healthz (one database round trip), /login/ (a template page) and /manifest.json with
`X-Forwarded-Proto: https`, as nginx would, and prints figures per path.
"""

from __future__ import annotations

import functools
import http.client
import statistics
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

PATHS = ("/healthz", "/login/", "/manifest.json")


def _timed_get(base: urllib.parse.SplitResult, path: str) -> float:
    conn = http.client.HTTPConnection(base.hostname, base.port or 80, timeout=30)
    start = time.perf_counter()
    conn.request("GET", path, headers={"X-Forwarded-Proto": "https", "Host": base.hostname})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}")
    return time.perf_counter() - start


def main() -> None:
    base = urllib.parse.urlsplit(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    for path in PATHS:
        _timed_get(base, path)  # warm up every worker's imports and connections
        with ThreadPoolExecutor(concurrency) as pool:
            start = time.perf_counter()
            latencies = sorted(pool.map(functools.partial(_timed_get, base), [path] * total))
            elapsed = time.perf_counter() - start
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print(
            f"{path:15} {total / elapsed:7.0f} req/s  "
            f"p50 {statistics.median(latencies) * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms  "
            f"({total} requests, concurrency {concurrency})"
        )


if __name__ == "__main__":
    main()
