"""The JSON endpoint under load: gunicorn serving the app, wrk driving it on localhost.

wrk (Debian's package ``wrk``) is used rather than a Python load tool because
the server and the load share two cores here: wrk's event loop in C takes a
small part of one, a Python tool would take most of it.

It first finds the highest rate the server sustains (the number of open
connections that gives the most answers per second with no error), then holds
that load for the whole run and reports throughput, errors and latency.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .report import PROJECT

LUA = Path(__file__).with_name("load.lua")
SWEEP_CONNECTIONS = (2, 4, 8, 16, 32)


@dataclass
class LoadResult:
    connections: int
    seconds: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    detail: dict


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with ``workers`` processes serving ``index``; a context manager."""

    def __init__(self, index: Path, workers: int = 2):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "ARABIC_SEARCH_INDEX": str(index)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:webapp.gunicorn_conf",
             "--workers", str(workers), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "webapp.wsgi:app"],
            cwd=PROJECT, env=env,
        )

    def __enter__(self) -> "Server":
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped before serving")
            try:
                with urllib.request.urlopen(f"{self.url}/api/search?q=test", timeout=5) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def answered_queries(index: Path, queries: list[str]) -> list[str]:
    """The queries the engine answers (those it refuses get a 400, by design)."""
    from indexer import QueryError, SearchEngine

    engine = SearchEngine(index)
    answered = []
    for query in queries:
        try:
            engine.search(query, snippets=False)
        except QueryError:
            continue
        answered.append(query)
    return answered


def search_paths(queries: list[str]) -> list[str]:
    return ["/api/search?" + urllib.parse.urlencode({"q": q}) for q in queries]


def wrk(url: str, paths_file: Path, connections: int, seconds: float) -> LoadResult:
    if shutil.which("wrk") is None:
        raise RuntimeError("the load test needs wrk (Debian: apt-get install wrk)")
    out = subprocess.run(
        ["wrk", "--threads", "1", "--connections", str(connections), "--duration", f"{seconds:g}s",
         "--timeout", "10s", "--script", str(LUA), url, "--", str(paths_file)],
        capture_output=True, text=True, check=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    errors = sum(figures[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors",
                                      "timeouts"))
    duration = figures["duration_us"] / 1e6
    return LoadResult(
        connections=connections, seconds=round(duration, 1), requests=figures["requests"], errors=errors,
        rps=round(figures["requests"] / duration, 1), p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000, p99_ms=figures["p99_us"] / 1000, max_ms=figures["max_us"] / 1000,
        detail=figures,
    )


def load_test(index: Path, queries: list[str], seconds: float, sweep_seconds: float = 15,
              workers: int = 2, log=print) -> tuple[list[LoadResult], LoadResult]:
    """(the sweep, the long run at the best sustained load)."""
    with tempfile.TemporaryDirectory() as tmp, Server(index, workers=workers) as server:
        paths_file = Path(tmp) / "paths.txt"
        paths_file.write_text("\n".join(search_paths(queries)) + "\n", encoding="utf-8")
        wrk(server.url, paths_file, 2, 3)  # warm up: each worker opens the index, fills its caches
        sweep = []
        for connections in SWEEP_CONNECTIONS:
            result = wrk(server.url, paths_file, connections, sweep_seconds)
            log(f"  {connections:3d} connections: {result.rps:8.1f} req/s, p95 {result.p95_ms:.1f} ms, "
                f"{result.errors} errors")
            sweep.append(result)
        clean = [r for r in sweep if r.errors == 0] or sweep
        top = max(r.rps for r in clean)
        # The fewest connections within 5% of the best rate: same throughput, less queueing.
        best = min((r for r in clean if r.rps >= 0.95 * top), key=lambda r: r.connections)
        log(f"  holding {best.connections} connections for {seconds:g} s …")
        return sweep, wrk(server.url, paths_file, best.connections, seconds)
