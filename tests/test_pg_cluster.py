"""The local PostgreSQL cluster (indexer/storage/postgres/cluster.py): a coordinator and two
shard servers started in a folder, reachable by their DSNs, the coordinator able to read a
shard through postgres_fdw, one shard stopped alone, and everything stopped."""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from indexer.storage.postgres import cluster

# As the browser tests do: skipped where Debian's postgresql is missing, except in CI (.ci/run installs it).
try:
    cluster.binary("initdb")
except cluster.ClusterError as exc:
    if not os.environ.get("CI"):
        pytest.skip(str(exc), allow_module_level=True)


def _free_ports(count: int) -> int:
    """A first port of ``count`` consecutive free loopback ports."""
    for _ in range(200):
        base = random.randint(20000, 60000)
        try:
            for port in range(base, base + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports")


@pytest.fixture
def folder():
    # Under /tmp, open to the postgres user (the servers run as it when the tests run as root).
    top = Path(tempfile.mkdtemp(prefix="pg-cluster-"))
    os.chmod(top, 0o755)
    yield top / "cluster"
    if (top / "cluster" / cluster.STATE_FILE).exists():
        cluster.stop(top / "cluster")
    shutil.rmtree(top, ignore_errors=True)


def _command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "indexer.storage.postgres.cluster", *args],
                          capture_output=True, text=True, timeout=300)


def test_start_prints_dsns_that_answer_and_stop_ends_them(folder):
    port = _free_ports(3)
    started = _command("start", str(folder), "--shards", "2", "--port", str(port))
    assert started.returncode == 0, started.stderr
    lines = started.stdout.splitlines()
    coordinator = lines[0]
    shards = [line.removeprefix("--shard ") for line in lines[1:]]
    assert coordinator == f"postgresql://postgres@127.0.0.1:{port}/arabic_search"
    assert shards == [f"postgresql://postgres@127.0.0.1:{port + i}/arabic_search" for i in (1, 2)]

    for i, dsn in enumerate(shards, 1):
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE TABLE shard_name (name text)")
            conn.execute("INSERT INTO shard_name VALUES (%s)", (f"الشظية {i}",))

    # The coordinator reaches a shard as a foreign server, as the backend's partitions will.
    with psycopg.connect(coordinator, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgres_fdw")
        conn.execute(f"CREATE SERVER s2 FOREIGN DATA WRAPPER postgres_fdw "
                     f"OPTIONS (host '127.0.0.1', port '{port + 2}', dbname 'arabic_search')")
        conn.execute("CREATE USER MAPPING FOR CURRENT_USER SERVER s2 OPTIONS (user 'postgres')")
        conn.execute("CREATE FOREIGN TABLE remote_name (name text) SERVER s2 OPTIONS (table_name 'shard_name')")
        assert conn.execute("SELECT name FROM remote_name").fetchall() == [("الشظية 2",)]

    # Started again: nothing is initialized anew, the data is still there.
    again = _command("start", str(folder), "--shards", "2", "--port", str(port))
    assert again.returncode == 0, again.stderr
    assert again.stdout == started.stdout
    with psycopg.connect(shards[0]) as conn:
        assert conn.execute("SELECT name FROM shard_name").fetchone() == ("الشظية 1",)

    # One shard stopped alone: it refuses connections, the others still answer.
    assert _command("stop", str(folder), "--only", "shard1").returncode == 0
    assert _command("status", str(folder)).stdout.split() == [
        "coordinator", "running", "shard1", "stopped", "shard2", "running"]
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(shards[0], connect_timeout=5)
    with psycopg.connect(shards[1]) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)

    assert _command("stop", str(folder)).returncode == 0
    for dsn in [coordinator, shards[1]]:
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(dsn, connect_timeout=5)


def test_start_refuses_a_folder_holding_another_cluster(folder):
    port = _free_ports(2)
    assert _command("start", str(folder), "--shards", "1", "--port", str(port)).returncode == 0
    other = _command("start", str(folder), "--shards", "3", "--port", str(port))
    assert other.returncode == 1
    assert "holds a cluster of 1 shards" in other.stderr
    unknown = _command("stop", str(folder), "--only", "shard2")
    assert unknown.returncode == 1
    assert "no server named 'shard2'; its servers: coordinator, shard1" in unknown.stderr
    assert _command("status", str(folder)).stdout.split() == ["coordinator", "running", "shard1", "running"]


def test_stop_and_status_of_a_folder_without_a_cluster_say_so(tmp_path):
    for command in ("stop", "status"):
        result = _command(command, str(tmp_path / "nothing"))
        assert result.returncode == 1
        assert "holds no cluster" in result.stderr
