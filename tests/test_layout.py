"""The engine reads downhill: each stage's modules import only their own stage
and the stages below it, so a search goes from the facade down and never back up.
With every import between stages going strictly down, no cycle between folders is possible."""

import ast
from pathlib import Path

import indexer

ROOT = Path(indexer.__file__).parent

# Lower first.  Stages of one rank are siblings and do not import each other.
RANKS = {
    "paths": 0,
    "analysis": 1,
    "duplicates": 2,
    "storage": 3,
    "search": 4, "ingest": 4,
    "snippets": 5, "archive": 5,
    "engine": 6,
    "quality": 7, "__init__": 7,  # faces of the engine: they drive the facade
    "cli": 8,
    "__main__": 9,
}


def _stage(module: str) -> str:
    """'indexer.search.parse' -> 'search'; 'indexer' -> '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> set[str]:
    """The indexer modules ``path`` imports, as absolute names."""
    module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if path.name == "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            targets = [name] if node.module else [f"{name}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t == "indexer" or t.startswith("indexer."))
    return found


def test_every_module_belongs_to_a_stage():
    for path in ROOT.rglob("*.py"):
        stage = path.relative_to(ROOT).parts[0].removesuffix(".py")
        assert stage in RANKS, f"{path.relative_to(ROOT)}: which stage is it?"


def test_no_stage_imports_a_higher_or_sibling_stage():
    wrong = []
    for path in sorted(ROOT.rglob("*.py")):
        here = path.relative_to(ROOT).parts[0].removesuffix(".py")
        for target in _imports(path):
            there = _stage(target)
            if there != here and RANKS[there] >= RANKS[here]:
                wrong.append(f"{path.relative_to(ROOT)} imports {target} ({there} is not below {here})")
    assert not wrong, "\n".join(wrong)
