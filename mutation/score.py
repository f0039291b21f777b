"""Print the mutation score of each module from mutmut's results (``make mutation``).

The score counts only real mutants: those listed in ``mutation/equivalent.toml`` change nothing
observable and are left out, each with its reason; a timeout counts as killed (the table shows
how many). A module passes at 95 % killed; the exit status is 1 when one does not, when a mutant
was not run, or when the list of equivalent mutants names one that is gone or was killed (the
list must stay true).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

TARGET = 0.95
KILLED = {"killed", "timeout", "segfault", "caught by type check"}
SURVIVED = {"survived", "no tests", "suspicious"}
# mutmut's names: <module>.x_<function>__mutmut_<n> or <module>.xǁ<Class>ǁ<method>__mutmut_<n>
HERE = Path(__file__).resolve().parent
NAME = re.compile(r"^(?P<module>[\w.]+?)\.x(?:_|ǁ)")


def modules() -> list[str]:
    """The modules under mutation, dotted, from pyproject's ``[tool.mutmut] only_mutate``."""
    pyproject = tomllib.loads((HERE.parent / "pyproject.toml").read_text())
    paths = pyproject["tool"]["mutmut"]["only_mutate"]
    return [path.removesuffix("/*").removesuffix(".py").replace("/", ".") for path in paths]


def main() -> int:
    """``--modules``: print the modules; else score those named (default: all) by prefix."""
    if sys.argv[1:] == ["--modules"]:
        print(" ".join(modules()))
        return 0
    chosen = tuple(f"{module}." for module in sys.argv[1:] or modules())
    equivalent: dict[str, str] = tomllib.loads((HERE / "equivalent.toml").read_text())["mutants"]
    mutmut = Path(sys.executable).with_name("mutmut")
    listing = subprocess.run(  # noqa: S603 (the venv's own mutmut, fixed arguments)
        [mutmut, "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    status = dict(line.strip().rsplit(": ", 1) for line in listing.splitlines() if ": " in line)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    survivors: list[str] = []
    failed = False
    for name, state in status.items():
        if not name.startswith(chosen):
            continue
        match = NAME.match(name)
        if match is None:
            raise SystemExit(f"unexpected mutant name {name!r}")
        tally = counts[match["module"]]
        if name in equivalent:
            tally["equivalent"] += 1
            if state != "survived":
                print(f"{name} is listed as equivalent but is {state}: remove it")
                failed = True
        elif state in KILLED:
            tally["killed"] += 1
            tally["timeout"] += state == "timeout"
        elif state in SURVIVED:
            tally["survived"] += 1
            survivors.append(f"{name}: {state}")
        else:
            tally["not run"] += 1
    for name in sorted(n for n in set(equivalent) - set(status) if n.startswith(chosen)):
        print(f"{name} is listed as equivalent but no longer exists: remove it")
        failed = True
    header = ("module", "killed", "real", "score", "equivalent", "timeout")
    print("{:<36} {:>7} {:>5} {:>7} {:>11} {:>8}".format(*header))
    for module, c in sorted(counts.items()):
        real = c["killed"] + c["survived"]
        score = c["killed"] / real if real else 1.0
        note = f"  {c['not run']} not run" if c["not run"] else ""
        print(
            f"{module:<36} {c['killed']:>7} {real:>5} {score:>7.1%} {c['equivalent']:>11}"
            f" {c['timeout']:>8}{note}"
        )
        failed |= score < TARGET or bool(c["not run"])
    if survivors:
        print("\nsurviving (see `mutmut show NAME`):", *survivors, sep="\n  ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
