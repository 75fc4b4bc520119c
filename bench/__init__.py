"""Benchmarks of the engine and the web app: ``python -m bench --help``.

Results go to docs/benchmarks.md with the machine, date, commit and command.
"""
