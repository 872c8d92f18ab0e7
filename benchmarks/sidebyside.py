"""Two installed versions of gongfu, side by side: the same commands on the same data, run
alternately, so that whatever else the machine is doing weighs on both alike.

    python3 benchmarks/sidebyside.py OLD_GONGFU NEW_GONGFU [--runs N]

OLD_GONGFU and NEW_GONGFU are the `gongfu` executables of two virtual environments (for
instance the previous release installed with `pip install` from its tag, and this checkout).
Wall time is what a person waits; CPU time (user + system, of the command and its children) is
what the command itself costs, and varies far less on a busy machine. Medians of each.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMMANDS = (
    ("export",),
    ("list", "--format", "csv"),
    ("list",),
    ("progress", "乡村畅行"),
    ("rank",),
    ("summary",),
)


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run (the CPU time of the finished child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="the previous version's gongfu executable")
    parser.add_argument("new", help="this version's gongfu executable")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    data = REPO / "data" / "buses.toml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGFU_")}
    env.update(COLUMNS="120", GONGFU_DATA=str(data), GONGFU_LANG="en")
    print("| command | old wall (s) | new wall (s) | old CPU (s) | new CPU (s) | new/old CPU |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for command in COMMANDS:
        times: dict[str, list[tuple[float, float]]] = {"old": [], "new": []}
        for _ in range(args.runs):
            for which in ("old", "new"):
                exe = args.old if which == "old" else args.new
                times[which].append(run_once([exe, *command, "--as-of", "2026-11-29"], env))
        old_wall, new_wall = (statistics.median(w for w, _ in times[k]) for k in ("old", "new"))
        old_cpu, new_cpu = (statistics.median(c for _, c in times[k]) for k in ("old", "new"))
        print(
            f"| `gongfu {' '.join(command)}` | {old_wall:.3f} | {new_wall:.3f} | "
            f"{old_cpu:.3f} | {new_cpu:.3f} | {new_cpu / old_cpu:.2f}× |",
            flush=True,
        )


if __name__ == "__main__":
    main()
