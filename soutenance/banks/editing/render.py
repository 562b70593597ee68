"""Writing one question with ruamel.yaml in round-trip mode, so its comments and quoting survive.

`_load_item` reads a question's own lines, `_apply` changes only the values that differ, and
`_render` gives the item's lines back with the dash and indentation the file uses.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from soutenance.banks.editing.drafts import (
    DEFAULT_DIFFICULTY,
    DEFAULT_TIME_LIMIT,
    FIELDS,
    FollowUpDraft,
    QuestionDraft,
)
from soutenance.banks.editing.layout import _body, _Layout, _Span, _Style
from soutenance.banks.model import Question, parse_duration

_YAML11_TRAPS = re.compile(r"(?i)(y|n|yes|no|on|off|true|false|null|~|[-+]?[0-9][0-9_.:]*(e[-+]?[0-9]+)?)")
_SCALAR_CLASSES = {
    '"': DoubleQuotedScalarString,
    "'": SingleQuotedScalarString,
    "|": LiteralScalarString,
    ">": FoldedScalarString,
}


def _ruamel(style: _Style) -> YAML:
    handler = YAML(typ="rt")
    handler.preserve_quotes = True
    handler.width = 1 << 30  # never re-wrap a long line
    handler.indent(mapping=style.mapping_indent, sequence=style.seq_indent, offset=style.seq_offset)
    return handler


def _styled(value: str, style: str | None, *, multiline_ok: bool = False) -> Any:
    """A string that ruamel writes in the file's style, never in a form YAML 1.1 readers would misread."""
    if "\n" in value:
        return LiteralScalarString(value) if multiline_ok else DoubleQuotedScalarString(value)
    if style in ("|", ">"):
        style = '"'
    if not style and _YAML11_TRAPS.fullmatch(value):
        style = '"'
    cls = _SCALAR_CLASSES.get(style or "")
    return cls(value) if cls else value


def _like(reference: Any, value: str, fallback: str | None) -> Any:
    """A new string styled like an existing sibling value."""
    for style, cls in _SCALAR_CLASSES.items():
        if isinstance(reference, cls):
            return _styled(value, style)
    if isinstance(reference, str):
        return _styled(value, None)
    return _styled(value, fallback)


def _seq(values: Iterable[Any], flow: bool) -> CommentedSeq:
    seq = CommentedSeq(values)
    if flow:
        seq.fa.set_flow_style()
    else:
        seq.fa.set_block_style()
    return seq


def _follow_up_node(follow_up: FollowUpDraft, style: _Style, reference: Any = None) -> Any:
    if not follow_up.key_points:
        return _like(reference, follow_up.text, style.follow_up_style)
    node = CommentedMap()
    node["text"] = _styled(follow_up.text, style.follow_up_style)
    node["key_points"] = _seq((_styled(k, style.key_point_style) for k in follow_up.key_points), style.key_points_flow)
    return node


def _set_key(mapping: CommentedMap, key: str, value: Any) -> None:
    """Set `key`, inserting a new key where the bank's usual key order puts it."""
    if key in mapping:
        mapping[key] = value
        return
    order = {name: index for index, name in enumerate(FIELDS)}
    position = 0
    for index, existing in enumerate(mapping):
        if order.get(existing, len(FIELDS)) < order[key]:
            position = index + 1
    mapping.insert(position, key, value)


def _update_list(
    mapping: CommentedMap,
    key: str,
    old: Sequence[Any],
    new: Sequence[Any],
    make: Callable[[Any, Any], Any],
    flow: bool,
) -> None:
    """Apply the smallest change from `old` to `new` to the list under `key`, keeping untouched items."""
    current = mapping.get(key)
    if not new:
        if key in mapping:
            del mapping[key]
        return
    if not isinstance(current, CommentedSeq) or len(current) != len(old):
        _set_key(mapping, key, _seq((make(v, None) for v in new), flow))
        return
    reference = current[0] if len(current) else None
    opcodes = difflib.SequenceMatcher(a=list(old), b=list(new), autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(opcodes):
        if tag == "equal":
            continue
        shared = min(i2 - i1, j2 - j1)
        for offset in range(shared):  # replaced in place: a comment under the item stays there
            current[i1 + offset] = make(new[j1 + offset], current[i1 + offset])
        for index in reversed(range(i1 + shared, i2)):
            del current[index]
        for offset, value in enumerate(new[j1 + shared : j2]):
            current.insert(i1 + shared + offset, make(value, reference))


def _apply(mapping: CommentedMap, old: Question | None, draft: QuestionDraft, question_id: str, style: _Style) -> None:
    """Write the draft's values into a question mapping, touching only what differs from `old`."""
    if old is None or question_id != old.id:
        _set_key(mapping, "id", _styled(question_id, None))
    if old is None or draft.text != old.text:
        previous = mapping.get("text")
        if isinstance(previous, FoldedScalarString) and "\n" not in draft.text:
            value = _folded(draft.text, previous)
        elif isinstance(previous, LiteralScalarString) or "\n" in draft.text:
            value = LiteralScalarString(draft.text)
        elif isinstance(previous, str) and old is not None:
            value = _like(previous, draft.text, style.text_style)
        else:
            value = _styled(draft.text, style.text_style, multiline_ok=True)
        _set_key(mapping, "text", value)
    _update_list(
        mapping,
        "key_points",
        old.key_points if old else [],
        draft.key_points,
        lambda value, ref: _like(ref, value, style.key_point_style),
        style.key_points_flow,
    )
    _update_list(
        mapping,
        "follow_ups",
        [(f.text, tuple(f.key_points)) for f in old.follow_ups] if old else [],
        [(f.text, tuple(f.key_points)) for f in draft.follow_ups],
        lambda value, ref: _follow_up_node(FollowUpDraft(value[0], list(value[1])), style, ref),
        style.follow_ups_flow,
    )
    difficulty = DEFAULT_DIFFICULTY if draft.difficulty is None and old is None else draft.difficulty
    if difficulty is not None and (old is None or int(difficulty) != old.difficulty):
        _set_key(mapping, "difficulty", int(difficulty))
    time_limit = DEFAULT_TIME_LIMIT if draft.time_limit is None and old is None else draft.time_limit
    if time_limit is not None and (old is None or parse_duration(time_limit) != old.time_limit):
        _set_key(mapping, "time_limit", parse_duration(time_limit))
    _update_list(
        mapping,
        "tags",
        old.tags if old else [],
        draft.tags,
        lambda value, ref: _like(ref, value, style.tag_style),
        style.tags_flow,
    )


def _folded(text: str, previous: FoldedScalarString) -> FoldedScalarString:
    """A folded (>) text wrapped at the width its previous value was wrapped at."""
    folds = [-1, *getattr(previous, "fold_pos", []), len(previous)]
    width = max(40, *(b - a - 1 for a, b in zip(folds, folds[1:], strict=False)))
    candidates = [m.start() for m in re.finditer(r"(?<=\S) (?=\S)", text)]
    positions, line_start = [], 0
    for here, following in zip(candidates, [*candidates[1:], len(text)], strict=True):
        if following - line_start > width:
            positions.append(here)
            line_start = here + 1
    value = FoldedScalarString(text)
    value.fold_pos = positions  # type: ignore[attr-defined]
    return value


def _render(mapping: CommentedMap, style: _Style) -> list[str]:
    """The item's lines, dash and indentation as the file writes them."""
    buffer = io.StringIO()
    _ruamel(style).dump(mapping, buffer)
    body = buffer.getvalue().splitlines()
    first = " " * style.dash_col + "-" + " " * max(style.content_col - style.dash_col - 1, 1)
    indent = " " * len(first)
    return [first + body[0]] + [indent + line if line.strip() else "" for line in body[1:]]


def _load_item(layout: _Layout, span: _Span) -> CommentedMap | None:
    """The question's own lines, dedented and read by ruamel in round-trip mode."""
    content_line = span.node.start_mark.line
    dedented = []
    for number in range(content_line, span.end + 1):
        line = _body(layout.lines[number])
        if number == content_line:
            line = " " * span.content_col + line[span.content_col :]
        spaces = len(line) - len(line.lstrip(" "))
        dedented.append(line[min(spaces, span.content_col) :])
    try:
        loaded = _ruamel(layout.style).load("\n".join(dedented) + "\n")
    except RuamelError:
        return None
    return loaded if isinstance(loaded, CommentedMap) else None
