"""The standards package stays pure: no Django, every public function documented."""

import ast
import inspect
from pathlib import Path

from anjian.standards import (
    accident,
    emergency,
    enterprise_risk,
    gb18218,
    hazard_factors,
    major_danger,
    risk,
    safety_fund,
    training,
)

PACKAGE = Path(__file__).resolve().parents[1]


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


def test_every_public_function_has_a_docstring() -> None:
    for module in (
        accident, emergency, enterprise_risk, gb18218, hazard_factors, major_danger, risk,
        safety_fund, training,
    ):  # fmt: skip
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                assert inspect.getdoc(obj), f"{module.__name__}.{name}"
