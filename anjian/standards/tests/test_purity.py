"""The standards package stays pure: no Django, every public function documented."""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import anjian.standards

PACKAGE = Path(__file__).resolve().parents[1]
# Every rule module of the package (the private helpers and the command line aside).
RULE_MODULES = [
    importlib.import_module(f"anjian.standards.{info.name}")
    for info in pkgutil.iter_modules(anjian.standards.__path__)
    if not info.name.startswith("_") and not info.ispkg
]


def test_nothing_in_the_package_imports_django() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(name.split(".")[0] == "django" for name in names), path


def test_every_rule_module_is_found() -> None:
    names = {module.__name__.rsplit(".", 1)[1] for module in RULE_MODULES}
    assert {"gb18218", "accident", "accident_types", "risk", "gas_detection"} <= names


@pytest.mark.parametrize("module", RULE_MODULES, ids=lambda m: m.__name__)
def test_every_public_function_has_a_docstring(module) -> None:
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert inspect.getdoc(obj), f"{module.__name__}.{name}"
