"""Benchmark the question banks: lint vs a bare YAML load, the TUI's start, and peak memory.

    python benchmarks/bench_banks.py            # 50,000 questions in 500 files (a few minutes)
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

T0 = (
    time.perf_counter()
)  # a child measuring the TUI start counts from here, before any heavy import

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
            result["ready_cpu_s"] = (
                time.process_time()
            )  # since the process started, interpreter included
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
    result = {
        "seconds": time.perf_counter() - start,
        "questions": count,
        "maxrss_before_mb": baseline,
    }
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
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    wall = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"child {args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return json.loads(lines[-1][len(MARK) :]) | {"wall_s": wall}


# --------------------------------------------------------------------------- the benchmark


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_mb(mb: float | None) -> str:
    return "n/a" if mb is None else f"{mb:.0f} MB"


def verdict(ratio: float, goal: float) -> str:
    return "OK" if ratio <= goal else "MISSED"


def profile(folder: Path, files: list[Path], work: Path, top: int) -> None:
    """Where the time goes: lint and the bare load, then the warm catalog the app builds at start."""
    import cProfile
    import pstats

    from soutenance.banks.catalog import build_catalog

    os.environ["SOUTENANCE_HOME"] = str(work / "home-profile")
    build_catalog([folder])  # builds the index, so that the next one is a warm start's catalog
    for label, function in (
        ("lint (lint_file + catalog)", lambda: lint_catalog(folder)),
        ("bare yaml.load", lambda: bare_load(files)),
        ("warm start's catalog (build_catalog with the index)", lambda: build_catalog([folder])),
    ):
        profiler = cProfile.Profile()
        profiler.enable()
        function()
        profiler.disable()
        for order in ("tottime", "cumulative"):
            print(f"\n--- cProfile: {label}, top {top} by {order} ---")
            pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(order).print_stats(
                top
            )


class Summary:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str, str]] = []
        self.missed = False

    def add(
        self,
        label: str,
        value: str,
        baseline: str,
        ratio: float | None,
        goal: float | None,
        note: str = "",
    ) -> None:
        result = note
        if goal is not None and ratio is not None:
            result = verdict(ratio, goal)
            self.missed |= ratio > goal
        self.rows.append(
            (
                label,
                value,
                baseline,
                "-" if ratio is None else f"{ratio:.2f}",
                "-" if goal is None else f"<= {goal}",
                result,
            )
        )

    def print(self) -> None:
        print("\nSummary")
        header = ("measure", "value", "baseline", "ratio", "goal", "result")
        rows = [header, *self.rows]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        for row in rows:
            cells = [
                row[0].ljust(widths[0]),
                *(cell.rjust(width) for cell, width in zip(row[1:5], widths[1:5], strict=True)),
            ]
            print("  " + "  ".join(cells) + "  " + row[5])


def bench_lint(folder: Path, files: list[Path], repeat: int, summary: Summary) -> int:
    """(a) lint vs bare load, interleaved so that machine noise hits both alike. Returns the question count."""
    import yaml  # noqa: F401 - both sides' imports happen before any timing

    import soutenance.banks.catalog  # noqa: F401 - builds the pydantic validators

    bare_times, lint_times, bare_cpu, lint_cpu = [], [], [], []
    loaded = 0
    for _ in range(repeat):
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        loaded = bare_load(files)
        bare_times.append(time.perf_counter() - start)
        bare_cpu.append(time.process_time() - cpu)
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        lint_catalog(folder)  # the catalog is dropped at once, as the bare load's data is
        lint_times.append(time.perf_counter() - start)
        lint_cpu.append(time.process_time() - cpu)
    catalog = lint_catalog(folder)
    questions = sum(s.question_count for s in catalog.files)
    diagnostics = catalog.diagnostics()
    errors = sum(d.is_error for d in diagnostics)
    warnings = sum(str(d.severity) == "warning" for d in diagnostics)
    bare_s, lint_s = min(bare_times), min(lint_times)
    ratio, cpu_ratio = lint_s / bare_s, min(lint_cpu) / min(bare_cpu)
    print(
        f"(a) lint of {questions:,} questions in {len(files)} files ({errors} errors, {warnings} warnings;"
        f" the bare load saw {loaded:,} questions)"
    )
    print(
        f"    bare yaml.load (CSafeLoader)  {fmt_s(bare_s):>9}   runs: {', '.join(fmt_s(t) for t in bare_times)}"
        f"   best CPU time {fmt_s(min(bare_cpu))}"
    )
    print(
        f"    lint_file + catalog           {fmt_s(lint_s):>9}   runs: {', '.join(fmt_s(t) for t in lint_times)}"
        f"   best CPU time {fmt_s(min(lint_cpu))}"
    )
    print(
        f"    ratio {ratio:.2f} (goal <= {LINT_GOAL}) {verdict(ratio, LINT_GOAL)}; CPU-time ratio {cpu_ratio:.2f}\n"
    )
    summary.add("lint vs bare CSafeLoader load", fmt_s(lint_s), fmt_s(bare_s), ratio, LINT_GOAL)
    summary.add("  same, CPU time", fmt_s(min(lint_cpu)), fmt_s(min(bare_cpu)), cpu_ratio, None)
    return questions


def bench_start(folder: Path, questions: int, work: Path, repeat: int, summary: Summary) -> dict:
    """(b) the TUI's start: cold, then warm starts alternating between the two scenarios."""
    label = f"{questions:,} questions" if questions else "generated banks"
    scenarios = {"bundled only": [], f"+ {label}": ["--banks", str(folder)]}
    starts: dict[str, dict] = {}
    for index, (name, extra) in enumerate(scenarios.items()):
        home = work / f"home-{index}"
        home.mkdir()
        starts[name] = {
            "extra": extra,
            "home": home,
            "cold": run_child(["tui", *extra], home),
            "warm": [],
        }
    for _ in range(repeat):
        for name, extra in scenarios.items():
            starts[name]["warm"].append(run_child(["tui", *extra], starts[name]["home"]))
    print("(b) the app's start to a ready home screen (each start in a fresh process)")
    for name, start in starts.items():
        cold, warm = start["cold"], start["warm"]
        start["best"] = min(w["ready_s"] for w in warm)
        start["cpu"] = min(w["ready_cpu_s"] for w in warm)
        start["wall"] = min(w["wall_s"] for w in warm)
        print(
            f"    {name:<24} cold {fmt_s(cold['ready_s']):>8}   warm best {fmt_s(start['best']):>8}"
            f"   runs: {', '.join(fmt_s(w['ready_s']) for w in warm)}"
        )
        print(
            f"    {'':<24} {cold['projects']} projects in {cold['paths']} paths; best warm: imports"
            f" {fmt_s(min(w['import_s'] for w in warm))}, catalog {fmt_s(min(w['catalog_s'] for w in warm))},"
            f" CPU time {fmt_s(start['cpu'])}, whole process {fmt_s(start['wall'])}"
        )
    small, big = starts.values()
    ratio = big["best"] / small["best"]
    cpu_ratio = big["cpu"] / small["cpu"]
    wall_ratio = big["wall"] / small["wall"]
    cold_ratio = big["cold"]["ready_s"] / small["cold"]["ready_s"]
    print(
        f"    warm ratio {ratio:.2f} (goal <= {START_GOAL}) {verdict(ratio, START_GOAL)};"
        f" CPU-time ratio {cpu_ratio:.2f}; whole-process ratio {wall_ratio:.2f}; cold ratio {cold_ratio:.2f}\n"
    )
    summary.add(
        "app start, warm index: big vs bundled only",
        fmt_s(big["best"]),
        fmt_s(small["best"]),
        ratio,
        START_GOAL,
    )
    summary.add(
        "  same, CPU time (interpreter included)",
        fmt_s(big["cpu"]),
        fmt_s(small["cpu"]),
        cpu_ratio,
        None,
    )
    summary.add(
        "app start, cold (index built)",
        fmt_s(big["cold"]["ready_s"]),
        fmt_s(small["cold"]["ready_s"]),
        cold_ratio,
        None,
        "no goal",
    )
    return starts


def bench_memory(folder: Path, work: Path, starts: dict | None, summary: Summary) -> None:
    """(c) peak memory, every figure from a fresh process."""
    home = work / "home-parent"
    lint, lint_tm = (
        run_child(["lint", str(folder)], home),
        run_child(["lint", str(folder), "--tracemalloc"], home),
    )
    bare, bare_tm = (
        run_child(["bare", str(folder)], home),
        run_child(["bare", str(folder), "--tracemalloc"], home),
    )
    print("(c) peak memory                            tracemalloc peak   maxrss of the process")
    print(
        f"    lint (lint_file + catalog)           {fmt_mb(lint_tm['tracemalloc_peak_mb']):>10}   "
        f"{fmt_mb(lint['maxrss_mb']):>10} (after the imports: {fmt_mb(lint['maxrss_before_mb'])})"
    )
    print(
        f"    bare yaml.load of the same files     {fmt_mb(bare_tm['tracemalloc_peak_mb']):>10}   "
        f"{fmt_mb(bare['maxrss_mb']):>10} (after the imports: {fmt_mb(bare['maxrss_before_mb'])})"
    )
    summary.add(
        "peak memory of lint (tracemalloc)",
        fmt_mb(lint_tm["tracemalloc_peak_mb"]),
        fmt_mb(bare_tm["tracemalloc_peak_mb"]),
        lint_tm["tracemalloc_peak_mb"] / bare_tm["tracemalloc_peak_mb"],
        None,
    )
    if lint["maxrss_mb"] and bare["maxrss_mb"]:
        summary.add(
            "peak memory of lint (maxrss)",
            fmt_mb(lint["maxrss_mb"]),
            fmt_mb(bare["maxrss_mb"]),
            lint["maxrss_mb"] / bare["maxrss_mb"],
            None,
        )
    if starts is None:
        return
    figures = []
    for name, start in starts.items():
        traced = run_child(["tui", *start["extra"], "--tracemalloc"], start["home"])
        rss = max((w["maxrss_mb"] or 0) for w in start["warm"]) or None
        figures.append((traced["tracemalloc_peak_mb"], rss))
        print(
            f"    app warm start, {name:<20} {fmt_mb(traced['tracemalloc_peak_mb']):>10}   {fmt_mb(rss):>10}"
            f" (cold start: {fmt_mb(start['cold']['maxrss_mb'])})"
        )
    (small_tm, small_rss), (big_tm, big_rss) = figures
    summary.add(
        "peak memory of the warm start (tracemalloc)",
        fmt_mb(big_tm),
        fmt_mb(small_tm),
        big_tm / small_tm,
        None,
    )
    if small_rss and big_rss:
        summary.add(
            "peak memory of the warm start (maxrss)",
            fmt_mb(big_rss),
            fmt_mb(small_rss),
            big_rss / small_rss,
            None,
        )


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
        print(
            f"soutenance {__version__} bank benchmarks: Python {platform.python_version()} "
            f"({platform.system()} {platform.machine()}), PyYAML {yaml.__version__}, libyaml {libyaml or 'absent'}"
        )
        print(f"banks: {len(files)} files, {size_mb:.1f} MB, in {folder}")
        print(
            f"best of {args.repeat} runs; every app start and every memory figure in its own process\n"
        )
        parts = set(args.only or ("lint", "start", "memory"))
        summary = Summary()
        questions = bench_lint(folder, files, args.repeat, summary) if "lint" in parts else 0
        starts = (
            bench_start(folder, questions, work, args.repeat, summary) if "start" in parts else None
        )
        if "memory" in parts:
            bench_memory(folder, work, starts, summary)
        summary.print()
        if args.profile:
            profile(folder, files, work, args.top)
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
        "--questions", type=int, default=None, help="questions to generate (default 50,000)"
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
        "--folder",
        type=Path,
        help="generate into (or reuse) this folder instead of a temporary one",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (banks and data dirs)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also cProfile lint, the bare load and the warm start's catalog",
    )
    parser.add_argument(
        "--top", type=int, default=25, help="functions shown by --profile (default %(default)s)"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=["lint", "start", "memory"],
        help="run only this part (repeatable): lint (a), start (b), memory (c)",
    )
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
