"""The layout shows the design: stages import one way (README, "For developers"), formats hand
hints to parsing without importing it, modules stay small and long functions say why.

Imports are read from the source (every `import` and `from … import`, inside functions too),
so a lazy import that runs against the stages fails here as well as an eager one.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import qdn_corpus

SRC = Path(qdn_corpus.__file__).resolve().parent

# Stages, earliest first: a module may import its own stage and earlier ones, never a later one.
STAGES = [
    ("base", ("models", "rows", "errors", "results")),
    ("text", ("text",)),
    ("read", ("read",)),
    ("store", ("store",)),
    ("search", ("search",)),
    ("reports", ("reports",)),
    ("api", ("api", "__init__")),
    ("web", ("web",)),
    ("cli", ("cli", "__main__")),
]
MAX_LINES = 400
MAX_FUNCTION = 60
REASON = "# long:"  # a function over MAX_FUNCTION lines says why on its def line or the line above


@functools.cache
def _modules() -> dict[str, Path]:
    return {".".join(p.relative_to(SRC).with_suffix("").parts): p for p in sorted(SRC.rglob("*.py"))}


def _stage(module: str) -> int:
    head = module.split(".")[0]
    return next(i for i, (_, heads) in enumerate(STAGES) if head in heads)


def _module(name: str) -> str | None:
    """The module a dotted name is: itself, a package's __init__, or None (a name in a module)."""
    modules = _modules()
    return name if name in modules else f"{name}.__init__".lstrip(".") if f"{name}.__init__".lstrip(".") in modules else None


def _imports(path: Path) -> set[str]:
    """The qdn modules a file imports (a package import counts as its __init__)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("qdn_corpus"):
            base = node.module.removeprefix("qdn_corpus").lstrip(".")
            for alias in node.names:
                found = _module(f"{base}.{alias.name}".lstrip(".")) or _module(base)
                if found:
                    out.add(found)
        elif isinstance(node, ast.Import):
            out.update(m for a in node.names if a.name.startswith("qdn_corpus.") and (m := _module(a.name.removeprefix("qdn_corpus."))))
    return out


def test_every_module_belongs_to_a_stage() -> None:
    for module in _modules():
        _stage(module)


def test_no_stage_imports_a_later_one() -> None:
    wrong = []
    for module, path in _modules().items():
        for imported in _imports(path):
            if _stage(imported) > _stage(module):
                wrong.append(f"{module} ({STAGES[_stage(module)][0]}) imports {imported} ({STAGES[_stage(imported)][0]})")
    assert not wrong, "\n".join(wrong)


def test_formats_hand_hints_to_parsing_without_importing_it() -> None:
    for module, path in _modules().items():
        if module.startswith("read.formats"):
            assert not {m for m in _imports(path) if m.startswith(("read.parsing", "read.files"))}, module


def test_no_import_cycles() -> None:
    """No module reaches itself through imports (lazy ones included), so no package does."""
    edges = {m: {i for i in _imports(p) if i != m} for m, p in _modules().items()}
    cycles = []
    for start in edges:
        seen: set[str] = set()
        todo = list(edges[start])
        while todo:
            m = todo.pop()
            if m == start:
                cycles.append(start)
                break
            if m not in seen:
                seen.add(m)
                todo.extend(edges.get(m, ()))
    assert not cycles, f"modules on an import cycle: {sorted(cycles)}"


def test_modules_are_small_and_long_functions_say_why() -> None:
    big = [f"{m}: {n} lines" for m, p in _modules().items() if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES]
    assert not big, big
    unexplained = []
    for module, path in _modules().items():
        lines = path.read_text("utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = (node.end_lineno or node.lineno) - first + 1
                if length > MAX_FUNCTION and not any(REASON in line for line in lines[max(first - 2, 0) : node.lineno]):
                    unexplained.append(f"{module}.{node.name}: {length} lines")
    assert not unexplained, unexplained
