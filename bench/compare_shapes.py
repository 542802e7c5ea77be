"""Compare two answer files of bench/shapes.py (--answers) for the same sample: whether every
request got the same answer, and which got faster or slower.

Usage: .venv/bin/python bench/compare_shapes.py BEFORE AFTER [--top 10]
"""

import argparse
import json
from pathlib import Path
from typing import Any


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()

    before, after = read(args.before), read(args.after)
    if [(a["role"], a["url"]) for a in before] != [(a["role"], a["url"]) for a in after]:
        raise SystemExit("The files hold different samples (run shapes.py with the same --seed).")
    differ = [
        (old, new)
        for old, new in zip(before, after, strict=True)
        if {**old, "ms": None} != {**new, "ms": None}
    ]
    print(f"{len(before)} requests, {len(differ)} with a different answer")
    for old, new in differ[: args.top]:
        print(f"  {old['role']:9}  {old['url']}\n    before {old}\n    after  {new}")
    changes = sorted(
        zip(before, after, strict=True), key=lambda pair: pair[1]["ms"] - pair[0]["ms"]
    )
    for label, pairs in (("faster", changes[: args.top]), ("slower", changes[::-1][: args.top])):
        print(f"\n{label}:")
        for old, new in pairs:
            print(f"  {old['ms']:7.1f} -> {new['ms']:7.1f} ms  {old['role']:9}  {old['url']}")


if __name__ == "__main__":
    main()
