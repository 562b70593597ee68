"""Linting many bank files into their summaries: here for a few, in parallel processes for many.

A few files are read in this process, sparing the pool's start-up. Many files are spread over
forked processes, one per core. Forking is only done while this process runs a single thread
(the TUI runs several; it re-reads its few changed files itself).

Linting builds and drops millions of small objects (YAML nodes, values, models) and no
reference cycle worth collecting, so the cycle collector is paused during a batch: it would
otherwise walk every live object again and again, for a fifth of the run.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from soutenance.banks.index import FileSummary
from soutenance.banks.lint import bank_warnings, question_spots
from soutenance.banks.loader import read_bank
from soutenance.banks.similarity import index_keys, words
from soutenance.banks.yaml_strict import locate

PARALLEL_MIN_FILES = 8
PARALLEL_MIN_BYTES = 1_000_000
"""Below either, files are read in this process: forking workers would cost more than it saves."""

Task = tuple[int, Path, os.stat_result]
"""A file to read: its slot in the caller's list, its path and what `os.stat` said of it."""


def summarize_file(path: Path, stat: os.stat_result, *, spots: bool = False) -> FileSummary:
    """Lint one file into its summary; with `spots`, keep what checks across projects need."""
    result = read_bank(path)
    summary = FileSummary(str(path), stat.st_size, stat.st_mtime_ns, result.diagnostics)
    if result.bank is None or result.node is None:
        return summary
    sets = [words(question.text) for question in result.bank.questions]
    keys = [index_keys(found) for found in sets]
    result.diagnostics.extend(bank_warnings(result, sets, keys))
    project = result.bank.project
    summary.path_name, summary.path_id = project.path, project.path_id
    summary.project_id, summary.title = project.id, project.title
    summary.language, summary.question_count = project.language, len(result.bank.questions)
    summary.evaluator_role = project.evaluator_role
    summary.minutes = (
        project.format.presentation,
        project.format.discussion,
        project.format.debrief,
    )
    summary.id_line, summary.id_col = locate(result.node, ("project", "id"))
    if spots:
        summary.questions = question_spots(result, sets, keys)
    return summary


@contextlib.contextmanager
def paused_cycle_collection() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def summarize_all(to_read: Sequence[Task], *, spots: bool = False) -> list[FileSummary]:
    """The summaries of `to_read`, in order."""
    task = functools.partial(_summarize_task, spots=spots)
    workers = _workers(to_read)
    with paused_cycle_collection():
        if workers < 2:
            return [task(item) for item in to_read]
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        context = multiprocessing.get_context("fork")
        chunk = max(1, len(to_read) // (workers * 8))
        try:
            with ProcessPoolExecutor(workers, mp_context=context, initializer=gc.disable) as pool:
                return list(pool.map(task, to_read, chunksize=chunk))
        except (BrokenProcessPool, OSError):  # a worker killed (out of memory?), or no fork allowed
            return [task(item) for item in to_read]


def _summarize_task(item: Task, *, spots: bool) -> FileSummary:
    _, path, stat = item
    return summarize_file(path, stat, spots=spots)


def _workers(to_read: Sequence[Task]) -> int:
    """How many processes should lint these files: one unless there are many and forking is safe."""
    if len(to_read) < PARALLEL_MIN_FILES:
        return 1
    if sum(stat.st_size for _, _, stat in to_read) < PARALLEL_MIN_BYTES:
        return 1
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return 1
    return min(_cores(), 8, len(to_read) // PARALLEL_MIN_FILES)


def _cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
