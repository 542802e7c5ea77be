"""Offline `helm lint` and `helm template` on top of the Helm SDK bindings (no helm CLI here).

python tools/deploy/helm.py lint helm/service-desk [-f values.yaml ...] [--set k=v ...] [--strict]
python tools/deploy/helm.py template helm/service-desk [-f values.yaml ...] [--set k=v ...]
"""

import argparse
import sys
from pathlib import Path
from typing import Any

import helm_python
import yaml

SEVERITIES = {0: "UNKNOWN", 1: "INFO", 2: "WARNING", 3: "ERROR"}


def load_values(files: list[str] | None = None, sets: list[str] | None = None) -> dict[str, Any]:
    """Merges values files and --set strings the way the helm CLI does (later ones win)."""
    values: dict[str, Any] = {}
    for file in files or []:
        values = _merge(values, yaml.safe_load(Path(file).read_text()) or {})
    for item in sets or []:
        values = _merge(values, helm_python.parse_set_string(item), by_index=True)
    return values


def _merge(base: Any, override: Any, by_index: bool = False) -> Any:
    """Deep-merges maps. A values file replaces a list; --set strings fill lists by index."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(merged[key], value, by_index) if key in merged else value
        return merged
    if by_index and isinstance(base, list) and isinstance(override, list):
        merged_list = list(base) + [None] * max(0, len(override) - len(base))
        for index, value in enumerate(override):
            if value is not None:
                merged_list[index] = _merge(merged_list[index], value, by_index)
        return merged_list
    return override


def lint(chart: str, values: dict[str, Any], strict: bool = True) -> list[str]:
    """Returns the lint findings that fail the lint (errors, and warnings when strict)."""
    report = helm_python.lint(chart, values, strict=strict)
    threshold = 2 if strict else 3
    failing = [
        f"[{SEVERITIES[m['severity']]}] {m['path']}: {m['error']}"
        for m in report["messages"]
        if m["severity"] >= threshold
    ]
    return failing + [e for e in report["errors"] if not any(e in f for f in failing)]


def template(
    chart: str, values: dict[str, Any], name: str = "service-desk", namespace: str = "default"
) -> dict[str, str]:
    """Renders the chart like `helm template` (install mode); returns {template path: YAML}."""
    loaded = helm_python.Chart.load(chart)
    try:
        rendered = loaded.render(values, name=name, namespace=namespace, is_install=True)
    finally:
        loaded.close()
    return {path: text for path, text in sorted(rendered.items()) if text.strip()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["lint", "template"])
    parser.add_argument("chart")
    parser.add_argument("-f", "--values", action="append", default=[])
    parser.add_argument("--set", action="append", default=[])
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--name", default="service-desk")
    parser.add_argument("--namespace", default="default")
    args = parser.parse_args()
    values = load_values(args.values, args.set)
    if args.command == "lint":
        problems = lint(args.chart, values, strict=args.strict)
        for problem in problems:
            print(problem)
        print(f"lint: {len(problems)} problem(s)" if problems else "lint: OK")
        return 1 if problems else 0
    for path, text in template(args.chart, values, args.name, args.namespace).items():
        if path.endswith("NOTES.txt"):
            continue
        print(f"---\n# Source: {path}\n{text.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
