"""Real processes for hostile-bank tests: bounded in time and memory, and unprivileged on demand.

Tests run as root in CI, and root reads a `chmod 000` folder anyway. A child started with
`unprivileged=True` loses the two capabilities that let root ignore file permissions
(CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, dropped from its bounding set before exec), so
permissions apply to it as to any user; as another user, nothing needs dropping.
"""

from __future__ import annotations

import ctypes
import os
import resource
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2
MEMORY_CAP = 2 * 1024**3
"""A child reading /dev/zero without end fails here instead of taking the machine down."""


def _limit_child(unprivileged: bool) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    if unprivileged and os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
            if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "cannot drop a capability")


def run(
    args: list[str], home: Path, *, unprivileged: bool = False, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python ARGS` in a fresh process with its own SOUTENANCE_HOME; a hang fails the test."""
    env = {k: v for k, v in os.environ.items() if k not in ("SOUTENANCE_BANKS", "SOUTENANCE_LANG")}
    env |= {"SOUTENANCE_HOME": str(home), "PYTHONPATH": str(REPO), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        timeout=timeout,
        env=env,
        cwd=REPO,
        preexec_fn=lambda: _limit_child(unprivileged),
        check=False,
    )


def soutenance(
    *args: str | Path, home: Path, unprivileged: bool = False
) -> subprocess.CompletedProcess[str]:
    return run(["-m", "soutenance", *map(str, args)], home, unprivileged=unprivileged)


def permissions_can_be_denied(scratch: Path) -> bool:
    """Whether an unprivileged child is refused a `chmod 000` folder here (root in a container
    may not be allowed to drop capabilities: then permission tests cannot run)."""
    locked = scratch / "locked-probe"
    locked.mkdir()
    locked.chmod(0)
    try:
        probe = run(["-c", f"import os; os.listdir({str(locked)!r})"], scratch, unprivileged=True)
        return probe.returncode != 0 and "PermissionError" in probe.stderr
    except OSError:
        return False
    finally:
        locked.chmod(0o755)
        locked.rmdir()
