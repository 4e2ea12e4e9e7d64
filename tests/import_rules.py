"""An import-linter contract of our own: no imports inside functions.

A function-level import hides a dependency from the module's header, and usually papers over an
import cycle. The few allowed are named in the contract's `allowed` option, each with its
reason: a heavy package that only some deployments need, loaded only by them.
"""

import ast
import importlib.util
from pathlib import Path

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The module an `ImportFrom` names, written out in full."""
    if not node.level:
        return node.module or ""
    package = module.split(".")
    if Path(importlib.util.find_spec(module).origin).name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def function_level_imports(module: str) -> list[tuple[int, str]]:
    """(line, imported module) for each import inside a function or lambda of `module`."""
    tree = ast.parse(Path(importlib.util.find_spec(module).origin).read_text())
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import):
                found.extend((node.lineno, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                found.append((node.lineno, _absolute(module, node)))
    return sorted(set(found))


class NoFunctionLevelImports(Contract):
    type_name = "no_function_level_imports"

    containers = fields.ListField(subfield=fields.StringField())
    allowed = fields.ListField(subfield=fields.StringField(), required=False)
    """Imports allowed all the same, as "importer -> imported"."""

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        allowed = set(self.allowed or [])  # type: ignore[arg-type]
        broken = []
        for container in self.containers:  # type: ignore[attr-defined]
            modules = {container} | graph.find_descendants(container)
            for module in sorted(modules):
                for line, imported in function_level_imports(module):
                    if f"{module} -> {imported}" not in allowed:
                        broken.append((module, line, imported))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module, line, imported in check.metadata["broken"]:
            output.print_error(
                f"- {module} -> {imported} (l.{line}), inside a function", bold=False
            )
            output.new_line()
