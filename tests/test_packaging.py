"""The Whoosh distribution we depend on imports cleanly on modern Python."""

import subprocess
import sys


def test_whoosh_modules_compile_without_syntax_warnings():
    # Whoosh 2.7.4 trips SyntaxWarning (invalid escapes) on 3.12+; the maintained
    # fork must not.  Compile every Whoosh module the engine loads with warnings as errors.
    code = """
import sys, warnings
import indexer, webapp, whoosh.highlight, whoosh.qparser
warnings.simplefilter("error")
for name, module in sorted(sys.modules.items()):
    path = getattr(module, "__file__", None)
    if name.startswith("whoosh") and path and path.endswith(".py"):
        with open(path, encoding="utf-8") as f:
            compile(f.read(), path, "exec")
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-W", "error::SyntaxWarning", "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
