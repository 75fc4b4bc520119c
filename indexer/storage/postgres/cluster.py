"""A local PostgreSQL cluster for development and tests: a coordinator and N shard servers.

    python -m indexer.storage.postgres.cluster start DIR [--shards 2] [--port 55432]
    python -m indexer.storage.postgres.cluster status DIR
    python -m indexer.storage.postgres.cluster stop DIR

``start`` initializes each server once (``initdb``, in DIR/coordinator,
DIR/shard1 ...), starts it on a loopback port (the coordinator on --port,
shard i on --port + i), creates the database and prints the DSNs: the
coordinator's first, then ``--shard`` and each shard's, as the engine's
``--backend postgres --dsn ... --shard ...`` options take them.  Started
again, it starts what is stopped and reuses what is there.  ``stop`` stops
every server of DIR.

The servers trust connections from loopback and from DIR's socket: a
cluster for one machine's development, never one to expose.  The binaries
are Debian's ``postgresql`` package's (``initdb``, ``pg_ctl``), found on the
PATH or under /usr/lib/postgresql/VERSION/bin.  PostgreSQL refuses to run
as root; started by root, the servers run as the ``postgres`` user the
package creates, and DIR is given to it (its parents must let that user in).
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DATABASE = "arabic_search"
DEFAULT_PORT = 55432
DEFAULT_SHARDS = 2
SERVER_USER = "postgres"  # the system user Debian's package creates
STATE_FILE = "cluster.json"
START_TIMEOUT = 60  # seconds pg_ctl waits for a server to accept connections

# Written to each server's postgresql.auto.conf at init: loopback only, the
# socket inside DIR (not /var/run/postgresql, which needs the package's
# service), no log collector (pg_ctl -l writes DIR/NAME.log).
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "100",
    "shared_buffers": "'128MB'",
    "logging_collector": "off",
}


class ClusterError(Exception):
    """The cluster cannot be started or stopped; the message says why."""


@dataclass(frozen=True)
class Server:
    name: str  # coordinator, shard1, shard2 ...
    port: int

    def dsn(self, host: str = "127.0.0.1") -> str:
        return f"postgresql://{SERVER_USER}@{host}:{self.port}/{DATABASE}"


def servers(shards: int, port: int) -> list[Server]:
    return [Server("coordinator", port)] + [Server(f"shard{i}", port + i) for i in range(1, shards + 1)]


def binary(name: str) -> str:
    """The path of one of PostgreSQL's programs: on the PATH, else in the newest version Debian installed."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version(p.parent.name), reverse=True)
    for folder in versions:
        if (folder / name).is_file():
            return str(folder / name)
    raise ClusterError(f"{name} was not found: install Debian's postgresql package (apt-get install postgresql)")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())


def _as_server_user() -> list[str]:
    """The prefix that runs a command as the user the servers run as (none unless we are root)."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise ClusterError(f"running as root needs the {SERVER_USER!r} user of Debian's postgresql package") from None
    return ["runuser", "-u", SERVER_USER, "--"]


def _run(command: list[str], log: Path | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(_as_server_user() + command, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        where = f" (log: {log})" if log is not None and log.exists() else ""
        raise ClusterError(f"{Path(command[0]).name} failed{where}: " + " | ".join(detail))
    return result


def _give_to_server_user(folder: Path) -> None:
    """``folder`` owned by the servers' user when we are root (initdb makes each server's
    folder inside it as that user), and refused when that user cannot reach it."""
    if os.geteuid() == 0:
        entry = pwd.getpwnam(SERVER_USER)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        if subprocess.run(_as_server_user() + ["test", "-w", str(folder.resolve())]).returncode != 0:
            raise ClusterError(f"the {SERVER_USER} user cannot reach {folder}: choose a folder whose parents "
                               "every user may enter (under /tmp, for example)")


def _initialized(data: Path) -> bool:
    return (data / "PG_VERSION").is_file()


def _init(folder: Path, server: Server) -> None:
    data = folder / server.name
    _run([binary("initdb"), "-D", str(data), "-U", SERVER_USER, "--auth=trust", "-E", "UTF8",
          "--locale=C.UTF-8", "--no-instructions"])
    settings = {**SETTINGS, "port": str(server.port), "unix_socket_directories": f"'{folder.resolve()}'"}
    with open(data / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())


def _running(folder: Path, server: Server) -> bool:
    result = subprocess.run(_as_server_user() + [binary("pg_ctl"), "status", "-D", str(folder / server.name)],
                            capture_output=True, text=True)
    return result.returncode == 0


def _start(folder: Path, server: Server) -> None:
    log = folder / f"{server.name}.log"
    if _running(folder, server):
        return
    _run([binary("pg_ctl"), "start", "-w", "-t", str(START_TIMEOUT), "-D", str(folder / server.name),
          "-l", str(log)], log)


def _create_database(folder: Path, server: Server) -> None:
    psql = [binary("psql"), "-h", str(folder.resolve()), "-p", str(server.port), "-U", SERVER_USER,
            "-d", "postgres", "-tAc"]
    exists = _run(psql + [f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"]).stdout.strip()
    if not exists:
        _run(psql + [f"CREATE DATABASE {DATABASE}"])


def start(folder: Path, shards: int = DEFAULT_SHARDS, port: int = DEFAULT_PORT) -> list[Server]:
    """Initialize (once) and start the coordinator and ``shards`` shard servers in ``folder``."""
    folder = Path(folder)
    known = _state(folder)
    if known is not None and (known["shards"], known["port"]) != (shards, port):
        raise ClusterError(f"{folder} holds a cluster of {known['shards']} shards from port {known['port']}; "
                           "stop it and start in another folder")
    folder.mkdir(parents=True, exist_ok=True)
    _give_to_server_user(folder)
    cluster = servers(shards, port)
    for server in cluster:
        if not _initialized(folder / server.name):
            _init(folder, server)
    (folder / STATE_FILE).write_text(json.dumps({"shards": shards, "port": port}), encoding="utf-8")
    for server in cluster:
        _start(folder, server)
        _create_database(folder, server)
    return cluster


def _state(folder: Path) -> dict | None:
    """The shape of the cluster ``folder`` holds ({"shards", "port"}), None when it holds none."""
    state = Path(folder) / STATE_FILE
    return json.loads(state.read_text(encoding="utf-8")) if state.is_file() else None


def _known(folder: Path) -> list[Server]:
    known = _state(folder)
    if known is None:
        raise ClusterError(f"{folder} holds no cluster (no {STATE_FILE})")
    return servers(known["shards"], known["port"])


def stop(folder: Path, only: str | None = None) -> None:
    """Stop every server of ``folder`` (or the one named ``only``: shard1, coordinator)."""
    folder = Path(folder)
    known = _known(folder)
    if only is not None and only not in {server.name for server in known}:
        raise ClusterError(f"{folder} has no server named {only!r}; its servers: "
                           + ", ".join(server.name for server in known))
    for server in known:
        if only is None or server.name == only:
            if _running(folder, server):
                _run([binary("pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(folder / server.name)])


def status(folder: Path) -> dict[str, bool]:
    folder = Path(folder)
    return {server.name: _running(folder, server) for server in _known(folder)}


def _print_dsns(cluster: list[Server]) -> None:
    coordinator, *shards = cluster
    print(coordinator.dsn())
    for shard in shards:
        print("--shard", shard.dsn())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indexer.storage.postgres.cluster",
                                     description="A local PostgreSQL coordinator and shard servers for development.")
    commands = parser.add_subparsers(dest="command", required=True)
    start_cmd = commands.add_parser("start", help="initialize (once) and start the servers; print their DSNs")
    start_cmd.add_argument("folder", type=Path)
    start_cmd.add_argument("--shards", type=int, default=DEFAULT_SHARDS, help="shard servers (0: one server)")
    start_cmd.add_argument("--port", type=int, default=DEFAULT_PORT, help="the coordinator's port; shard i takes port + i")
    stop_cmd = commands.add_parser("stop", help="stop the servers")
    stop_cmd.add_argument("folder", type=Path)
    stop_cmd.add_argument("--only", help="stop one server (coordinator, shard1 ...)")
    status_cmd = commands.add_parser("status", help="say which servers run")
    status_cmd.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            if args.shards < 0 or not 1024 <= args.port <= 65535 - args.shards:
                parser.error("--shards must be 0 or more and the ports between 1024 and 65535")
            _print_dsns(start(args.folder, args.shards, args.port))
        elif args.command == "stop":
            stop(args.folder, args.only)
        else:
            for name, running in status(args.folder).items():
                print(name, "running" if running else "stopped")
    except ClusterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
