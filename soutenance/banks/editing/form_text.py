"""Follow-ups and their key points as one text, the way the question form shows them.

One follow-up per line; the lines under it starting with "- " are its key points:

    Et sans ce canal ?
      - Un plan B chiffré

A follow-up or a key point whose text stays the same keeps what the form does not show (the key
points' hints).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from soutenance.banks.editing.drafts import FollowUpDraft, Hints, kept_hints

_KEY_POINT = re.compile(r"^\s*[-•](?:\s+|$)")
KEY_POINT_PREFIX = "  - "


@dataclass(slots=True)
class FollowUpLines:
    """The follow-ups read from the text, and where each item was (0-based line numbers)."""

    follow_ups: list[FollowUpDraft] = field(default_factory=list)
    lines: list[tuple[int, list[int]]] = field(
        default_factory=list
    )  # a follow-up's, its key points'
    orphans: list[int] = field(default_factory=list)  # key point lines with no follow-up above

    def line_of(self, index: int | None, sub_index: int | None = None) -> int | None:
        """The line of follow-up `index`, or of its key point `sub_index`."""
        if index is None or not 0 <= index < len(self.lines):
            return None
        line, points = self.lines[index]
        if sub_index is None:
            return line
        return points[sub_index] if 0 <= sub_index < len(points) else line


def follow_ups_text(follow_ups: Sequence[FollowUpDraft]) -> str:
    return "\n".join(
        "\n".join([f.text, *(KEY_POINT_PREFIX + point for point in f.key_points)])
        for f in follow_ups
    )


def parse_follow_ups(text: str, previous: Sequence[FollowUpDraft] = ()) -> FollowUpLines:
    """The follow-ups of the text; hints of a key point come from the follow-up it was under."""
    pool: Hints = {}
    for item in previous:
        pool |= item.hints
    known = {item.text: item for item in previous}
    found = FollowUpLines()
    for number, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        if marker := _KEY_POINT.match(line):
            point = line[marker.end() :].strip()
            if not found.follow_ups:
                found.orphans.append(number)
            elif point:
                found.follow_ups[-1].key_points.append(point)
                found.lines[-1][1].append(number)
            continue
        found.follow_ups.append(FollowUpDraft(line.strip()))
        found.lines.append((number, []))
    for item in found.follow_ups:
        same = known.get(item.text)
        item.hints = kept_hints(item.key_points, pool | (same.hints if same else {}))
    return found


def dropped_hints(before: Hints, points: Sequence[str]) -> list[tuple[str, list[str]]]:
    """The key points with hints that are no longer there (their text changed, or they were removed)."""
    kept = {p.strip() for p in points}
    return [(point, list(words)) for point, words in before.items() if point not in kept]
