"""``python -m bench``: run every benchmark, each in its own process, and print a table."""

from __future__ import annotations

import json
import subprocess
import sys

from bench.common import RESULT_MARK, ROOT

BENCHMARKS = [
    "bench.import_10k",
    "bench.api_list",
    "bench.search_100k",
    "bench.dashboard",
    "bench.ingest",
    "bench.risk_map",
    "bench.dangers_list",
]


def main() -> int:
    results = []
    for module in BENCHMARKS:
        print(f"… {module}", file=sys.stderr, flush=True)
        run = subprocess.run(
            [sys.executable, "-m", module], cwd=ROOT, capture_output=True, text=True
        )
        lines = [line for line in run.stdout.splitlines() if line.startswith(RESULT_MARK)]
        if run.returncode != 0 or not lines:
            print(f"{module} failed:\n{run.stderr[-2000:]}", file=sys.stderr)
            results.append({"name": module, "passed": False, "command": f"python -m {module}"})
            continue
        results.extend(json.loads(line[len(RESULT_MARK) :]) for line in lines)
    for result in results:
        if "figure" not in result:
            print(f"FAILED  {result['name']}  ({result['command']})")
            continue
        verdict = "info" if not result["target"] else "ok  " if result["passed"] else "MISS"
        target = f" (target {result['target']})" if result["target"] else ""
        print(
            f"{verdict} {result['name']}: {result['figure']} vs floor {result['floor']} "
            f"({result['unit']}) → ratio {result['ratio']}{target}"
            f"{'  [' + result['note'] + ']' if result.get('note') else ''}\n"
            f"      reproduce: {result['command']}"
        )
    return 0 if all(r.get("passed") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
