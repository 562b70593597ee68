"""Benchmark the question banks as a user meets them: whole processes, ratios measured in one run.

    python benchmarks/bench_banks.py            # 50,000 questions in 500 files (a few minutes)
    python benchmarks/bench_banks.py --quick    # 2,000 questions in 20 files
    python benchmarks/bench_banks.py --profile  # also where lint's time goes (cProfile, one process)

(a) `soutenance bank lint FOLDER`, a whole process, against a whole process that does a bare
    `yaml.load(text, Loader=yaml.CSafeLoader)` of the same files (finding and reading them
    included), on friendly banks and on hostile ones whose texts come from 40 words (the worst
    case for near-duplicate search). Runs alternate; the best of --repeat is kept.
    Goal: lint / bare <= 1.0 on both.
(b) the app with the generated banks against the app with the bundled banks only: start to a
    ready home screen (make_app + App.run_test until the home tree lists the projects) with a
    warm bank index, and the resident memory of that process. Goal: memory ratio <= 1.5.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # a child measuring the app's start counts from here, before any import

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
MARK = "BENCH-RESULT "
LINT_GOAL = 1.0
MEMORY_GOAL = 1.5
BARE_LOAD = """
import sys, yaml
from pathlib import Path
count = 0
for path in sorted(p for p in Path(sys.argv[1]).rglob("*") if p.suffix in (".yaml", ".yml")):
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    count += len(data.get("questions") or ()) if isinstance(data, dict) else 0
print(count)
"""


# --------------------------------------------------------------------------- measuring


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(
    command: list[str], env: dict[str, str]
) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall and CPU seconds of a whole process (its own worker processes included)."""
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=3600, check=False
    )
    return time.perf_counter() - start, children_cpu() - cpu, done


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SOUTENANCE_BANKS", "SOUTENANCE_LANG")}
    return env | {"SOUTENANCE_HOME": str(home)}


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_mb(mb: float) -> str:
    return f"{mb:.0f} MB"


class Summary:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []
        self.missed = False

    def add(self, label: str, value: str, baseline: str, ratio: float, goal: float | None) -> None:
        verdict = "" if goal is None else ("OK" if ratio <= goal else "MISSED")
        self.missed |= goal is not None and ratio > goal
        self.rows.append(
            (label, value, baseline, f"{ratio:.2f}", f"<= {goal} {verdict}" if goal else "-")
        )

    def print(self) -> None:
        header = ("measure", "value", "baseline", "ratio", "goal")
        rows = [header, *self.rows]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        print("\nSummary")
        for row in rows:
            print(
                "  "
                + row[0].ljust(widths[0])
                + "  "
                + "  ".join(c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True))
            )


# --------------------------------------------------------------------------- (a) lint vs bare load


def bench_lint(label: str, folder: Path, work: Path, repeat: int, summary: Summary) -> None:
    env = clean_env(work / "home-lint")
    lint = [sys.executable, "-m", "soutenance", "bank", "lint", str(folder)]
    bare = [sys.executable, "-c", BARE_LOAD, str(folder)]
    runs: dict[str, list[tuple[float, float]]] = {"bare": [], "lint": []}
    outputs = {}
    for _ in range(repeat):
        for name, command in (("bare", bare), ("lint", lint)):
            wall, cpu, done = timed(command, env)
            if name == "bare" and done.returncode != 0:
                raise RuntimeError(f"the bare load failed:\n{done.stderr}")
            if name == "lint" and done.returncode not in (0, 1):
                raise RuntimeError(f"lint failed ({done.returncode}):\n{done.stderr}")
            runs[name].append((wall, cpu))
            outputs[name] = done
    bare_wall, lint_wall = min(w for w, _ in runs["bare"]), min(w for w, _ in runs["lint"])
    bare_cpu, lint_cpu = min(c for _, c in runs["bare"]), min(c for _, c in runs["lint"])
    questions = outputs["bare"].stdout.strip()
    print(f"(a) lint, {label}: {outputs['lint'].stderr.strip()} (bare load: {questions} questions)")
    for name, measured in runs.items():
        walls = ", ".join(fmt_s(wall) for wall, _ in measured)
        cpus = ", ".join(fmt_s(cpu) for _, cpu in measured)
        print(f"    {name:<5} runs: {walls}   CPU time, worker processes included: {cpus}")
    ratio, cpu_ratio = lint_wall / bare_wall, lint_cpu / bare_cpu
    print(f"    ratio {ratio:.2f} (goal <= {LINT_GOAL}); CPU-time ratio {cpu_ratio:.2f}\n")
    summary.add(f"lint / bare load, {label}", fmt_s(lint_wall), fmt_s(bare_wall), ratio, LINT_GOAL)
    summary.add(
        "  same, CPU time of all processes", fmt_s(lint_cpu), fmt_s(bare_cpu), cpu_ratio, None
    )


# --------------------------------------------------------------------------- (b) the app


def child_app(banks: list[Path]) -> dict:
    """Start the app to a ready home screen; time and peak resident memory of this process."""
    import asyncio

    from textual.widgets import Tree

    from soutenance.ui.app import make_app
    from soutenance.ui.screens.home import HomeScreen

    result: dict = {}

    async def run() -> None:
        app = make_app(banks=banks, lang="en")
        async with app.run_test(headless=True, size=(120, 40)) as pilot:
            for _ in range(500):
                await pilot.pause()
                if (
                    isinstance(app.screen, HomeScreen)
                    and app.screen.query_one("#projects", Tree).root.children
                ):
                    break
            else:
                raise RuntimeError("the home screen never got ready")
            result["ready_s"] = time.perf_counter() - T0
            tree = app.screen.query_one("#projects", Tree)
            result["projects"] = sum(len(branch.children) for branch in tree.root.children)

    asyncio.run(run())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["maxrss_mb"] = rss / 1_048_576 if sys.platform == "darwin" else rss / 1024
    return result


def run_child(args: list[str], home: Path) -> dict:
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", *args],
                          env=clean_env(home), capture_output=True, text=True, timeout=1800, check=False)  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"child {args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return json.loads(lines[-1][len(MARK) :])


def bench_app(folder: Path, work: Path, repeat: int, summary: Summary) -> None:
    scenarios = {"bundled banks only": [], "with the generated banks": [str(folder)]}
    homes = {name: work / f"home-app-{index}" for index, name in enumerate(scenarios)}
    for name, banks in scenarios.items():
        run_child(banks, homes[name])  # builds the index: the next starts are warm
    starts: dict[str, list[dict]] = {name: [] for name in scenarios}
    for _ in range(repeat):
        for name, banks in scenarios.items():
            starts[name].append(run_child(banks, homes[name]))
    print(
        "(b) the app, started to a ready home screen with a warm bank index (each start its own process)"
    )
    best = {}
    for name, runs in starts.items():
        best[name] = (min(r["ready_s"] for r in runs), min(r["maxrss_mb"] for r in runs))
        print(f"    {name:<26} {runs[0]['projects']:>4} projects   ready in {fmt_s(best[name][0])}"
              f"   resident memory {fmt_mb(best[name][1])}")  # fmt: skip
    (small_s, small_mb), (big_s, big_mb) = best.values()
    print(
        f"    memory ratio {big_mb / small_mb:.2f} (goal <= {MEMORY_GOAL}); start ratio {big_s / small_s:.2f}\n"
    )
    summary.add(
        "app memory, generated / bundled only",
        fmt_mb(big_mb),
        fmt_mb(small_mb),
        big_mb / small_mb,
        MEMORY_GOAL,
    )
    summary.add(
        "app start, generated / bundled only", fmt_s(big_s), fmt_s(small_s), big_s / small_s, None
    )


# --------------------------------------------------------------------------- the run


def profile(folder: Path, top: int) -> None:
    """Where lint's time goes, all files read in this one process."""
    import cProfile
    import pstats

    from soutenance.banks import batch
    from soutenance.banks.catalog import catalog_of_roots
    from soutenance.banks.discovery import BankRoot, RootKind

    batch.PARALLEL_MIN_FILES = sys.maxsize
    profiler = cProfile.Profile()
    profiler.runcall(catalog_of_roots, [BankRoot(folder, RootKind.USER)], across_projects=True)
    print(f"\n--- cProfile of lint in one process ({folder.name}), top {top} by own time ---")
    pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats("tottime").print_stats(top)


def bench(args: argparse.Namespace) -> int:
    import yaml

    sys.path.insert(0, str(HERE))
    from generate_banks import generate

    from soutenance import __version__

    work = Path(tempfile.mkdtemp(prefix="soutenance-bench-"))
    try:
        base = args.folder.resolve() if args.folder else work / "banks"
        folders = {"friendly": base / "friendly", "hostile (40 words)": base / "hostile"}
        for folder, small in zip(folders.values(), (False, True), strict=True):
            if not any(folder.rglob("*.yaml")):
                generate(folder, args.questions, args.files, args.seed, small_vocabulary=small)
        libyaml = (
            yaml._yaml.get_version_string()
            if getattr(yaml, "__with_libyaml__", False)
            else "absent"
        )  # type: ignore[attr-defined]
        print(f"soutenance {__version__} bank benchmarks: Python {platform.python_version()} "
              f"({platform.system()} {platform.machine()}, {os.cpu_count()} cores), "
              f"PyYAML {yaml.__version__}, libyaml {libyaml}")  # fmt: skip
        for label, folder in folders.items():
            size = sum(p.stat().st_size for p in folder.rglob("*.yaml")) / 1_048_576
            print(
                f"banks, {label}: {args.questions:,} questions in {args.files} files, {size:.1f} MB, in {folder}"
            )
        print(f"best of {args.repeat} runs, alternating; every figure from whole processes\n")
        summary = Summary()
        parts = set(args.only or ("lint", "app"))
        if "lint" in parts:
            for label, folder in folders.items():
                bench_lint(label, folder, work, args.repeat, summary)
        if "app" in parts:
            bench_app(folders["friendly"], work, args.repeat, summary)
        summary.print()
        if args.profile:
            for folder in folders.values():
                profile(folder, args.top)
        return 1 if summary.missed and args.strict else 0
    finally:
        if args.keep:
            print(f"\nkept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="a small run: 2,000 questions in 20 files"
    )
    parser.add_argument(
        "--questions", type=int, default=None, help="questions per data set (default 50,000)"
    )
    parser.add_argument(
        "--files", type=int, default=None, help="files to spread them over (default 500)"
    )
    parser.add_argument(
        "--seed", type=int, default=2024, help="generator seed (default %(default)s)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per measure, best kept (default %(default)s)"
    )
    parser.add_argument(
        "--folder", type=Path, help="generate into (or reuse) FOLDER/friendly and FOLDER/hostile"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--only", action="append", choices=["lint", "app"], help="run only this part (repeatable)"
    )
    parser.add_argument("--profile", action="store_true", help="also cProfile lint in one process")
    parser.add_argument(
        "--top", type=int, default=25, help="functions shown by --profile (default %(default)s)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(MARK + json.dumps(child_app([Path(p) for p in args.child])), flush=True)
        return 0
    args.questions = args.questions or (2_000 if args.quick else 50_000)
    args.files = args.files or (20 if args.quick else 500)
    return bench(args)


if __name__ == "__main__":
    sys.exit(main())
