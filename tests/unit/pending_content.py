"""Warnings the bundled banks still get until their content rewrite (issue 15) lands.

Lint learnt new warnings (key points per question and follow-up, time limits by difficulty,
checks across the projects of a path) while other engineers rewrite the bundled banks to satisfy
them. Tests that expect the bundle to be clean tolerate these kinds only, on bundled files only.
"""

from __future__ import annotations

import re

from soutenance import paths
from soutenance.banks.diagnostics import Diagnostic, Severity

PENDING = re.compile(
    r"^(follow-up \d+ of question `[^`]+` has no key points"
    r"|question `[^`]+` has only 1 key point: .*"
    r"|question `[^`]+` has \d+ key points: keep .*"
    r"|question `[^`]+` \(difficulty 3\) has less time .*"
    r"|question id `[^`]+` is also used by project .*"
    r"|question `[^`]+` is nearly the same as `[^`]+` of project .*)$"
)


def is_pending(diagnostic: Diagnostic) -> bool:
    bundled = str(paths.bundled_banks_dir().resolve())
    return (
        diagnostic.severity is Severity.WARNING
        and diagnostic.file.startswith(bundled)
        and PENDING.match(diagnostic.message) is not None
    )


def is_pending_line(line: str) -> bool:
    """The same test on a printed lint line."""
    bundled = str(paths.bundled_banks_dir().resolve())
    found = re.match(r"^(?P<file>.+?):\d+:\d+: warning: (?P<message>.*)$", line)
    return bool(found and found["file"].startswith(bundled) and PENDING.match(found["message"]))
