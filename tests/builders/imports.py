"""Read a tree of Python packages and report how its imports break the project's layering:
an import of a higher layer, dagster below the assets, a cycle among modules, or a project
import inside a function with no comment saying why."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

# pipelines -> assets -> reporting -> warehouse -> expectations -> sources. A package may import
# its own layer and any lower one. (Expectations read the returns' data contract, which the
# readers in sources/ declare; sources/ knows nothing of expectations.)
LAYERS = {"pipelines": 5, "assets": 4, "reporting": 3, "warehouse": 2, "expectations": 1,
          "sources": 0}
SIBLINGS: set[tuple[str, str]] = set()
DAGSTER_ALLOWED = {"pipelines", "assets"}
THIRD_PARTY_BANNED_BELOW = ("dagster", "dagster_webserver", "dagster_duckdb")


@dataclass(frozen=True)
class Problem:
    module: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.message}"


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(tree: ast.Module, module: str, is_package: bool) -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a function) for every import in the module."""
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    package = module if is_package else module.rpartition(".")[0]
                    for _ in range(child.level - 1):
                        package = package.rpartition(".")[0]
                    base = f"{package}.{base}".strip(".")
                found.append((base, child.lineno, in_function))
                found.extend((f"{base}.{a.name}", child.lineno, in_function)
                             for a in child.names)
            visit(child, nested)

    visit(tree, False)
    return found


def _has_reason(lines: list[str], line: int) -> bool:
    """A comment on the import's line or in the comment lines just above its import block."""
    if "#" in lines[line - 1]:
        return True
    i = line - 2
    while i >= 0 and (lines[i].strip().startswith(("from ", "import ")) or not lines[i].strip()):
        i -= 1
    return i >= 0 and lines[i].strip().startswith("#")


def check(root: Path, packages: dict[str, int] = LAYERS) -> list[Problem]:
    problems: list[Problem] = []
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            modules[_module_name(root, path)] = path
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        text = path.read_text()
        lines = text.splitlines()
        top = module.split(".")[0]
        for name, line, in_function in _imports(ast.parse(text), module,
                                                path.name == "__init__.py"):
            target_top = name.split(".")[0]
            if target_top in THIRD_PARTY_BANNED_BELOW and top not in DAGSTER_ALLOWED:
                problems.append(Problem(module, line, f"imports {name}: only pipelines/ and "
                                                      "assets/ may import dagster"))
            if target_top not in packages:
                continue
            if packages[target_top] > packages[top] or \
                    (top, target_top) in SIBLINGS or (target_top, top) in SIBLINGS:
                problems.append(Problem(module, line, f"imports {name}: {top}/ may not import "
                                                      f"{target_top}/ (dependencies point "
                                                      "pipelines -> assets -> reporting -> "
                                                      "warehouse -> expectations -> sources)"))
            if in_function and not _has_reason(lines, line):
                problems.append(Problem(module, line, f"imports {name} inside a function "
                                                      "with no comment saying why"))
            if not in_function and name in modules and name != module:
                graph[module].add(name)
    problems.extend(Problem(cycle[0], 0, "import cycle: " + " -> ".join(cycle))
                    for cycle in _cycles(graph))
    return sorted(set(problems), key=lambda p: (p.module, p.line, p.message))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = [0]

    def connect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append([*sorted(component), sorted(component)[0]])

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return components
