"""Garbage collector pauses in a worker, with the objects loaded before the fork frozen and not.

`config/wsgi.py` ends with `gc.freeze()`, so a worker's full collection skips the objects of
Django, DRF and the app that the master loaded. This script shows what that buys: each
scenario runs in-process through the WSGI handler (no server, no network; the benchmark's
database), in two fresh processes that import `config.wsgi` as gunicorn does, one of them
with the freeze skipped. Each forks a worker, as gunicorn's master does, and the worker serves the
requests. It prints, per variant, the collector's passes in the worker by generation, their
longest pause, the worker's private memory (what it no longer shares with the master) and the
requests' p99 and slowest time. The variants alternate per scenario.

    .venv/bin/python bench/pauses.py [--requests N] [scenario ...]

It reuses the benchmark's database: run bench/run once first.
"""

import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from instructions import caller, chosen_scenarios, measured_environment, scenario_parser

from bench import private_kib

ROOT = Path(__file__).resolve().parent.parent
WARMUP = 50
VARIANTS = ("frozen", "not frozen")


def child(name: str, requests: int, frozen: bool) -> None:
    """Runs in the measured process: loads the app as gunicorn's master does, forks a worker,
    and prints the worker's figures as JSON."""
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if not frozen:
        # config.wsgi as it was before it froze anything
        gc.collect = gc.freeze = lambda *args: 0  # type: ignore[assignment]  # stubbed out
    from config.wsgi import application

    reader, writer = os.pipe()
    if os.fork():
        os.close(writer)
        with os.fdopen(reader) as answer:
            print(answer.read())
        os.wait()
        return
    os.close(reader)
    call = caller(name, application)
    for i in range(WARMUP):
        call(i)
    pauses: list[list[float]] = [[], [], []]
    started = [0.0]

    def timed(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses[info["generation"]].append(time.perf_counter() - started[0])

    gc.callbacks.append(timed)
    times = []
    for i in range(WARMUP, WARMUP + requests):
        begun = time.perf_counter()
        call(i)
        times.append(time.perf_counter() - begun)
    gc.callbacks.remove(timed)
    times.sort()
    result = {
        "passes": [len(p) for p in pauses],
        "longest": [max(p, default=0.0) for p in pauses],
        "p99": times[int(len(times) * 0.99)],
        "max": times[-1],
        "private": private_kib(os.getpid()) / 1024,
    }
    with os.fdopen(writer, "w") as out:
        out.write(json.dumps(result))
    os._exit(0)


def measure(name: str, requests: int, frozen: bool, env: dict[str, str]) -> dict:
    command = [sys.executable, __file__, "--child", name, str(requests), str(int(frozen))]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{name} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1")
        return
    parser = scenario_parser(__doc__.split("\n\n")[0], requests=3000)
    args = parser.parse_args()
    names = chosen_scenarios(parser, args)
    env = measured_environment(args.count)
    print(f"garbage collection per worker process, {args.requests} requests after {WARMUP}")
    print(
        f"{'scenario':18} {'variant':10} | passes gen0/1/2 | longest pause gen0/1/2 ms"
        " | private MiB | request p99 ms   max ms"
    )
    for number, name in enumerate(names):
        order = [True, False] if number % 2 == 0 else [False, True]
        results = {frozen: measure(name, args.requests, frozen, env) for frozen in order}
        for frozen in (True, False):
            r = results[frozen]
            passes = "/".join(str(n) for n in r["passes"])
            longest = "/".join(f"{s * 1000:.1f}" for s in r["longest"])
            print(
                f"{name:18} {VARIANTS[not frozen]:10} | {passes:>15} | {longest:>25}"
                f" | {r['private']:11.1f} | {r['p99'] * 1000:14.1f} {r['max'] * 1000:8.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
