"""docs/benchmarks.md: each benchmark writes its own section, with the machine,
date, commit and exact command, and leaves the others as they are."""

from __future__ import annotations

import os
import platform
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
REPORT = PROJECT / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Made by `python -m bench` (see `bench/`); each section is rewritten by the run
that made it.  The machine is shared, so compare figures measured in one run
(the ratios), not figures from different days.  DATASET_DIR in a command is
the folder that holds the Arabic data sets named in docs/quality.md.
"""


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kib / 2**20:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}")


def commit() -> str:
    def git(*args):
        return subprocess.run(["git", *args], cwd=PROJECT, capture_output=True, text=True).stdout.strip()
    sha = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs/benchmarks.md")
    return sha + (" (with uncommitted changes)" if dirty else "")


def _shown(arg: str) -> str:
    """A path outside the project is shown under DATASET_DIR (the folder holding
    the data sets), so the report names no folder of one particular machine."""
    path = Path(arg)
    if path.is_absolute() and path.exists() and PROJECT not in path.resolve().parents:
        return "DATASET_DIR/" + "/".join(path.parts[-2:])
    return arg


def command() -> str:
    return "python -m bench " + " ".join(shlex.quote(_shown(a)) for a in sys.argv[1:])


def stamp() -> str:
    return (f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n"
            f"- machine: {machine()}\n"
            f"- commit: {commit()}\n"
            f"- command: `{command()}`\n")


def write_section(key: str, title: str, body: str, path: Path = REPORT) -> None:
    """Put ``body`` under ``title`` between this key's markers, replacing an older run."""
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    section = f"{start}\n## {title}\n\n{stamp()}\n{body.rstrip()}\n{end}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip() + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
