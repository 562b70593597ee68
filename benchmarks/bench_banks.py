"""Benchmark the question banks: lint vs a bare YAML load, the TUI's start, and peak memory.

    python benchmarks/bench_banks.py            # 50,000 questions in 500 files (about a minute or two)
    python benchmarks/bench_banks.py --quick    # 2,000 questions in 20 files
    python benchmarks/bench_banks.py --profile  # also print where lint's time goes (cProfile)

Everything is measured in the same run, on the same generated files, and printed as ratios:

(a) lint: soutenance.banks.lint.lint_file over every file plus the catalog assembly (what
    `soutenance bank lint FOLDER` does) vs a bare `yaml.load(text, Loader=yaml.CSafeLoader)` of the
    same files. Best of N (default 3). Goal: ratio <= 1.3.
(b) the TUI's start to a ready home screen (make_app(banks=[folder]) + App.run_test until the
    HomeScreen's tree lists the projects) with the generated banks vs with the bundled banks only.
    Each scenario gets a fresh SOUTENANCE_HOME, reused between its runs: the first start is "cold"
    (the bank index is built), the next ones are "warm" (best of N). Every start runs in a fresh
    subprocess. Goal: warm ratio <= 1.2.
(c) peak memory: tracemalloc peak (Python allocations) and maxrss (whole process), each in its own
    subprocess, for the lint run, the bare load and the TUI starts.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # a child measuring the TUI start counts from here, before any heavy import

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
MARK = "BENCH-RESULT "
LINT_GOAL = 1.3
START_GOAL = 1.2


# --------------------------------------------------------------------------- measuring helpers


def maxrss_mb() -> float | None:
    """Peak resident memory of this process in MB (None where `resource` does not exist)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def bank_paths(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def bare_load(files: list[Path]) -> int:
    import yaml

    count = 0
    for path in files:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        count += len(data.get("questions") or ()) if isinstance(data, dict) else 0
    return count


def lint_catalog(folder: Path):  # noqa: ANN201 - a Catalog, imported lazily
    """What `soutenance bank lint FOLDER` computes: lint_file on every file, then the catalog."""
    from soutenance.banks.catalog import catalog_of_roots
    from soutenance.banks.discovery import BankRoot, RootKind

    return catalog_of_roots([BankRoot(folder, RootKind.USER)], use_cache=False)


# --------------------------------------------------------------------------- children (subprocesses)


def child_tui(banks: list[Path], use_tracemalloc: bool) -> dict:
    if use_tracemalloc:
        import tracemalloc

        tracemalloc.start()
    import asyncio

    from textual.widgets import Tree

    from soutenance.ui.app import make_app
    from soutenance.ui.screens.home import HomeScreen

    imported = time.perf_counter() - T0
    result: dict = {}

    async def run() -> None:
        app = make_app(banks=banks, lang="en")
        result["catalog_s"] = time.perf_counter() - T0 - imported
        async with app.run_test(headless=True, size=(120, 40)) as pilot:
            for _ in range(500):
                await pilot.pause()
                screen = app.screen
                if isinstance(screen, HomeScreen):
                    tree = screen.query_one("#projects", Tree)
                    if tree.root.children:
                        break
            else:
                raise RuntimeError("the home screen never got ready")
            result["ready_s"] = time.perf_counter() - T0
            result["ready_cpu_s"] = time.process_time()  # since the process started, interpreter included
            result["paths"] = len(tree.root.children)
            result["projects"] = sum(len(branch.children) for branch in tree.root.children)
            if use_tracemalloc:
                result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1_048_576
            result["maxrss_mb"] = maxrss_mb()

    asyncio.run(run())
    result["import_s"] = imported
    return result


def child_lint(folder: Path, kind: str, use_tracemalloc: bool) -> dict:
    import yaml  # noqa: F401 - imported before measuring, as lint's own imports are

    import soutenance.banks.catalog  # noqa: F401

    files = bank_paths(folder)
    baseline = maxrss_mb()
    if use_tracemalloc:
        import tracemalloc

        tracemalloc.start()
    start = time.perf_counter()
    if kind == "lint":
        catalog = lint_catalog(folder)
        count = sum(s.question_count for s in catalog.files)
    else:
        count = bare_load(files)
    result = {"seconds": time.perf_counter() - start, "questions": count, "maxrss_before_mb": baseline}
    if use_tracemalloc:
        result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1_048_576
    result["maxrss_mb"] = maxrss_mb()
    return result


def run_child(args: list[str], home: Path) -> dict:
    """Run this script as a child in a fresh process with its own SOUTENANCE_HOME."""
    env = {k: v for k, v in os.environ.items() if k not in ("SOUTENANCE_BANKS", "SOUTENANCE_LANG")}
    env["SOUTENANCE_HOME"] = str(home)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", *args],
        env=env, capture_output=True, text=True, timeout=1800, check=False,
    )
    wall = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"child {args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return json.loads(lines[-1][len(MARK):]) | {"wall_s": wall}


# --------------------------------------------------------------------------- the benchmark


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_mb(mb: float | None) -> str:
    return "n/a" if mb is None else f"{mb:.0f} MB"


def verdict(ratio: float, goal: float) -> str:
    return "OK" if ratio <= goal else "MISSED"


def profile_lint(folder: Path, files: list[Path], top: int) -> None:
    import cProfile
    import pstats

    for label, function in (("lint (lint_file + catalog)", lambda: lint_catalog(folder)),
                            ("bare yaml.load", lambda: bare_load(files))):
        profiler = cProfile.Profile()
        profiler.enable()
        function()
        profiler.disable()
        print(f"\n--- cProfile: {label}, top {top} by own time ---")
        pstats.Stats(profiler).strip_dirs().sort_stats("tottime").print_stats(top)
        print(f"--- cProfile: {label}, top {top} by cumulative time ---")
        pstats.Stats(profiler).strip_dirs().sort_stats("cumulative").print_stats(top)


def bench(args: argparse.Namespace) -> int:
    import yaml

    sys.path.insert(0, str(HERE))
    from generate_banks import generate

    from soutenance import __version__

    work = Path(tempfile.mkdtemp(prefix="soutenance-bench-"))
    os.environ["SOUTENANCE_HOME"] = str(work / "home-parent")
    os.environ.pop("SOUTENANCE_BANKS", None)
    try:
        if args.folder:
            folder = args.folder.resolve()
            if not bank_paths(folder):
                generate(folder, args.questions, args.files, args.seed)
        else:
            folder = work / "banks"
            generate(folder, args.questions, args.files, args.seed)
        files = bank_paths(folder)
        size_mb = sum(p.stat().st_size for p in files) / 1_048_576
        libyaml = getattr(yaml, "__with_libyaml__", False) and yaml._yaml.get_version_string()  # type: ignore[attr-defined]
        print(f"soutenance {__version__} bank benchmarks: Python {platform.python_version()} "
              f"({platform.system()} {platform.machine()}), PyYAML {yaml.__version__}, libyaml {libyaml or 'absent'}")
        print(f"banks: {len(files)} files, {size_mb:.1f} MB, in {folder}")
        print(f"best of {args.repeat} everywhere; every TUI start and every memory figure in its own subprocess\n")

        # (a) lint vs bare load, interleaved so that machine noise hits both alike
        # (wall time decides; CPU time is printed too, as it suffers less from a busy machine)
        bare_times, lint_times, bare_cpu, lint_cpu = [], [], [], []
        catalog = None
        for _ in range(args.repeat):
            gc.collect()
            start, cpu = time.perf_counter(), time.process_time()
            loaded = bare_load(files)
            bare_times.append(time.perf_counter() - start)
            bare_cpu.append(time.process_time() - cpu)
            gc.collect()
            start, cpu = time.perf_counter(), time.process_time()
            catalog = lint_catalog(folder)
            lint_times.append(time.perf_counter() - start)
            lint_cpu.append(time.process_time() - cpu)
            del catalog  # keep memory equal for the next bare run
            catalog = None
        catalog = lint_catalog(folder)
        questions = sum(s.question_count for s in catalog.files)
        errors = sum(d.is_error for d in catalog.diagnostics())
        warnings = sum(str(d.severity) == "warning" for d in catalog.diagnostics())
        bare_s, lint_s = min(bare_times), min(lint_times)
        lint_ratio = lint_s / bare_s
        print(f"(a) {questions:,} questions in {len(files)} files: {errors} errors, {warnings} warnings; "
              f"bare load saw {loaded:,} questions")
        print(f"    bare yaml.load (CSafeLoader)  {fmt_s(bare_s):>10}   runs: {', '.join(fmt_s(t) for t in bare_times)}"
              f"   (best CPU time {fmt_s(min(bare_cpu))})")
        print(f"    lint_file + catalog           {fmt_s(lint_s):>10}   runs: {', '.join(fmt_s(t) for t in lint_times)}"
              f"   (best CPU time {fmt_s(min(lint_cpu))})")
        print(f"    ratio {lint_ratio:.2f} (goal <= {LINT_GOAL})  {verdict(lint_ratio, LINT_GOAL)};"
              f" CPU-time ratio {min(lint_cpu) / min(bare_cpu):.2f}\n")
        del catalog

        # (b) TUI start: cold then warm, each scenario in its own fresh data dir; the warm starts of
        # the two scenarios alternate so that machine noise hits both alike
        scenarios = {"bundled only": [], f"+ {questions:,} questions": ["--banks", str(folder)]}
        starts: dict[str, dict] = {}
        for index, (name, extra) in enumerate(scenarios.items()):
            home = work / f"home-{index}"
            home.mkdir()
            starts[name] = {"cold": run_child(["tui", *extra], home), "warm": [], "home": home}
        for _ in range(args.repeat):
            for name, extra in scenarios.items():
                starts[name]["warm"].append(run_child(["tui", *extra], starts[name]["home"]))
        for name in scenarios:
            cold, warm = starts[name]["cold"], starts[name]["warm"]
            best = min(w["ready_s"] for w in warm)
            print(f"(b) start, {name:<22} cold {fmt_s(cold['ready_s']):>9}   warm best {fmt_s(best):>9}"
                  f"   runs: {', '.join(fmt_s(w['ready_s']) for w in warm)}"
                  f"   ({cold['projects']} projects in {cold['paths']} paths;"
                  f" imports {fmt_s(min(w['import_s'] for w in warm))},"
                  f" catalog {fmt_s(min(w['catalog_s'] for w in warm))})")
        (small, big) = (starts[name] for name in scenarios)
        warm_small = min(w["ready_s"] for w in small["warm"])
        warm_big = min(w["ready_s"] for w in big["warm"])
        wall_small = min(w["wall_s"] for w in small["warm"])
        wall_big = min(w["wall_s"] for w in big["warm"])
        start_ratio = warm_big / warm_small
        cpu_ratio = min(w["ready_cpu_s"] for w in big["warm"]) / min(w["ready_cpu_s"] for w in small["warm"])
        cold_ratio = big["cold"]["ready_s"] / small["cold"]["ready_s"]
        print(f"    warm ratio {start_ratio:.2f} (goal <= {START_GOAL})  {verdict(start_ratio, START_GOAL)};"
              f" whole process (interpreter start to exit) {fmt_s(wall_big)} vs {fmt_s(wall_small)}"
              f" = {wall_big / wall_small:.2f}; CPU-time ratio {cpu_ratio:.2f}; cold ratio {cold_ratio:.2f} (no goal)\n")

        # (c) memory, each figure from a fresh subprocess
        memory = {
            "lint": run_child(["lint", str(folder)], work / "home-parent"),
            "lint+tm": run_child(["lint", str(folder), "--tracemalloc"], work / "home-parent"),
            "bare": run_child(["bare", str(folder)], work / "home-parent"),
            "bare+tm": run_child(["bare", str(folder), "--tracemalloc"], work / "home-parent"),
        }
        for index, (name, extra) in enumerate(scenarios.items()):
            memory[f"tui{index}+tm"] = run_child(["tui", *extra, "--tracemalloc"], starts[name]["home"])
        print("(c) peak memory                         tracemalloc peak   maxrss (whole process)")
        print(f"    lint of {questions:>7,} questions        {fmt_mb(memory['lint+tm']['tracemalloc_peak_mb']):>10}"
              f"   {fmt_mb(memory['lint']['maxrss_mb']):>10} (after imports: {fmt_mb(memory['lint']['maxrss_before_mb'])})")
        print(f"    bare yaml.load of the same        {fmt_mb(memory['bare+tm']['tracemalloc_peak_mb']):>10}"
              f"   {fmt_mb(memory['bare']['maxrss_mb']):>10} (after imports: {fmt_mb(memory['bare']['maxrss_before_mb'])})")
        for index, name in enumerate(scenarios):
            warm_rss = max((w["maxrss_mb"] or 0) for w in starts[name]["warm"]) or None
            print(f"    TUI warm start, {name:<18}{fmt_mb(memory[f'tui{index}+tm']['tracemalloc_peak_mb']):>10}"
                  f"   {fmt_mb(warm_rss):>10} (cold start: {fmt_mb(starts[name]['cold']['maxrss_mb'])})")

        print("\nSummary")
        print(f"  {'measure':<44}{'value':>10}{'baseline':>11}{'ratio':>8}{'goal':>9}  result")
        rows = [
            (f"lint of {questions:,} questions vs bare load", lint_s, bare_s, lint_ratio, LINT_GOAL),
            ("TUI warm start, big banks vs bundled only", warm_big, warm_small, start_ratio, START_GOAL),
        ]
        for label, value, baseline, ratio, goal in rows:
            print(f"  {label:<44}{fmt_s(value):>10}{fmt_s(baseline):>11}{ratio:>8.2f}{'<= ' + str(goal):>9}  "
                  f"{verdict(ratio, goal)}")
        print(f"  {'TUI cold start, big banks vs bundled only':<44}{fmt_s(big['cold']['ready_s']):>10}"
              f"{fmt_s(small['cold']['ready_s']):>11}{cold_ratio:>8.2f}{'-':>9}  (index built)")
        print(f"  {'peak memory of the lint run (tracemalloc)':<44}"
              f"{fmt_mb(memory['lint+tm']['tracemalloc_peak_mb']):>10}"
              f"{fmt_mb(memory['bare+tm']['tracemalloc_peak_mb']):>11}"
              f"{memory['lint+tm']['tracemalloc_peak_mb'] / memory['bare+tm']['tracemalloc_peak_mb']:>8.2f}{'-':>9}")

        if args.profile:
            profile_lint(folder, files, args.top)
        missed = lint_ratio > LINT_GOAL or start_ratio > START_GOAL
        return 1 if missed and args.strict else 0
    finally:
        if args.keep:
            print(f"\nkept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark bank lint, the TUI's start and memory (see the module docstring).",
    )
    parser.add_argument("--quick", action="store_true", help="a small run: 2,000 questions in 20 files")
    parser.add_argument("--questions", type=int, default=None, help="questions to generate (default 50,000)")
    parser.add_argument("--files", type=int, default=None, help="files to spread them over (default 500)")
    parser.add_argument("--seed", type=int, default=2024, help="generator seed (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure, best kept (default %(default)s)")
    parser.add_argument("--folder", type=Path, help="generate into (or reuse) this folder instead of a temporary one")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (banks and data dirs)")
    parser.add_argument("--profile", action="store_true", help="also cProfile lint and the bare load")
    parser.add_argument("--top", type=int, default=25, help="functions shown by --profile (default %(default)s)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        kind, *rest = args.child
        use_tracemalloc = "--tracemalloc" in rest
        rest = [r for r in rest if r != "--tracemalloc"]
        if kind == "tui":
            banks = [Path(rest[1])] if rest[:1] == ["--banks"] else []
            result = child_tui(banks, use_tracemalloc)
        else:
            result = child_lint(Path(rest[0]), kind, use_tracemalloc)
        print(MARK + json.dumps(result), flush=True)
        return 0

    args.questions = args.questions or (2_000 if args.quick else 50_000)
    args.files = args.files or (20 if args.quick else 500)
    return bench(args)


if __name__ == "__main__":
    sys.exit(main())
