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
    points_with_hints,
)
from soutenance.banks.editing.layout import _body, _Layout, _Span, _Style
from soutenance.banks.model import Question, parse_duration

_YAML11_TRAPS = re.compile(
    r"(?i)(y|n|yes|no|on|off|true|false|null|~|[-+]?[0-9][0-9_.:]*(e[-+]?[0-9]+)?)"
)
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


def _text_of(node: Any) -> Any:
    """The text scalar of a key point or follow-up, written as a string or as a mapping."""
    return node.get("text") if isinstance(node, CommentedMap) else node


def _text_item(
    text: str,
    more: Sequence[Any],
    node: Any,
    sample: Any,
    fallback: str | None,
    order: Sequence[str],
) -> Any:
    """An item written as its text alone while it has nothing `more`, else as a mapping with a `text`.

    `node` (the item replaced, or None) is updated in place; a new item is styled like `sample`.
    """
    reference = _text_of(node if node is not None else sample)
    if not more:
        return _like(reference, text, fallback)
    if not isinstance(node, CommentedMap):
        node = CommentedMap()
    if node.get("text") != text:
        _set_key(node, "text", _like(reference, text, fallback), order=order)
    return node


def _key_point_node(
    value: tuple[str, tuple[str, ...]], node: Any, sample: Any, style: _Style
) -> Any:
    """A key point as text, or as `{text, hints}` when it has hints."""
    text, hints = value
    node = _text_item(text, hints, node, sample, style.key_point_style, ("text", "hints"))
    if hints and list(node.get("hints") or []) != list(hints):
        _set_key(
            node,
            "hints",
            _seq((_styled(h, style.tag_style) for h in hints), True),
            order=("text", "hints"),
        )
    return node


def _points_of(node: Any) -> list[tuple[str, tuple[str, ...]]]:
    """The key points written under `node` (a follow-up mapping), with their hints."""
    items = node.get("key_points") if isinstance(node, CommentedMap) else None
    return [
        (
            str(_text_of(item)),
            tuple(item.get("hints") or ()) if isinstance(item, CommentedMap) else (),
        )
        for item in items or []
    ]


def _follow_up_node(
    value: tuple[str, Sequence[tuple[str, tuple[str, ...]]]], node: Any, sample: Any, style: _Style
) -> Any:
    """A follow-up as text, or as `{text, key_points}` when it has key points."""
    text, points = value
    node = _text_item(text, points, node, sample, style.follow_up_style, ("text", "key_points"))
    if not points:
        return node
    _update_list(
        node,
        "key_points",
        _points_of(node),
        points,
        lambda v, n, ref: _key_point_node(v, n, ref, style),
        style.key_points_flow,
        order=("text", "key_points"),
    )
    return node


def _set_key(mapping: CommentedMap, key: str, value: Any, order: Sequence[str] = FIELDS) -> None:
    """Set `key`, inserting a new key where the usual key `order` puts it."""
    if key in mapping:
        mapping[key] = value
        return
    rank = {name: index for index, name in enumerate(order)}
    position = 0
    for index, existing in enumerate(mapping):
        if rank.get(existing, len(order)) < rank[key]:
            position = index + 1
    mapping.insert(position, key, value)


def _update_list(
    mapping: CommentedMap,
    key: str,
    old: Sequence[Any],
    new: Sequence[Any],
    make: Callable[[Any, Any, Any], Any],
    flow: bool,
    order: Sequence[str] = FIELDS,
) -> None:
    """Apply the smallest change from `old` to `new` to the list under `key`, keeping untouched items.

    `make(value, node, sample)` gives an item's node: `node` is the one it replaces (None for a new
    item), `sample` a sibling whose style a new item follows.
    """
    current = mapping.get(key)
    if not new:
        if key in mapping:
            del mapping[key]
        return
    if not isinstance(current, CommentedSeq) or len(current) != len(old):
        _set_key(mapping, key, _seq((make(v, None, None) for v in new), flow), order)
        return
    sample = current[0] if len(current) else None
    opcodes = difflib.SequenceMatcher(a=list(old), b=list(new), autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(opcodes):
        if tag == "equal":
            continue
        shared = min(i2 - i1, j2 - j1)
        for offset in range(shared):  # replaced in place: a comment under the item stays there
            current[i1 + offset] = make(new[j1 + offset], current[i1 + offset], sample)
        for index in reversed(range(i1 + shared, i2)):
            del current[index]
        for offset, value in enumerate(new[j1 + shared : j2]):
            current.insert(i1 + shared + offset, make(value, None, sample))


def _text_value(previous: Any, text: str, old: Question | None, style: _Style) -> Any:
    """A question's text (or generic wording) written like the value it replaces."""
    if isinstance(previous, FoldedScalarString) and "\n" not in text:
        return _folded(text, previous)
    if isinstance(previous, LiteralScalarString) or "\n" in text:
        return LiteralScalarString(text)
    if isinstance(previous, str) and old is not None:
        return _like(previous, text, style.text_style)
    return _styled(text, style.text_style, multiline_ok=True)


def _apply(
    mapping: CommentedMap,
    old: Question | None,
    draft: QuestionDraft,
    question_id: str,
    style: _Style,
) -> None:
    """Write the draft's values into a question mapping, touching only what differs from `old`."""
    if old is None or question_id != old.id:
        _set_key(mapping, "id", _styled(question_id, None))
    if old is None or draft.text != old.text:
        _set_key(mapping, "text", _text_value(mapping.get("text"), draft.text, old, style))
    if draft.text_generic is None:
        mapping.pop("text_generic", None)
    elif old is None or draft.text_generic != old.text_generic:
        previous = mapping.get("text_generic", mapping.get("text"))
        _set_key(mapping, "text_generic", _text_value(previous, draft.text_generic, old, style))
    _update_list(
        mapping,
        "key_points",
        [(str(k), k.hints) for k in old.key_points] if old else [],
        points_with_hints(draft.key_points, draft.hints),
        lambda value, node, sample: _key_point_node(value, node, sample, style),
        style.key_points_flow,
    )
    _update_list(
        mapping,
        "follow_ups",
        [FollowUpDraft.from_follow_up(f).content() for f in old.follow_ups] if old else [],
        [f.content() for f in draft.follow_ups],
        lambda value, node, sample: _follow_up_node(value, node, sample, style),
        style.follow_ups_flow,
    )
    difficulty = (
        DEFAULT_DIFFICULTY if draft.difficulty is None and old is None else draft.difficulty
    )
    if difficulty is not None and (old is None or int(difficulty) != old.difficulty):
        _set_key(mapping, "difficulty", int(difficulty))
    time_limit = (
        DEFAULT_TIME_LIMIT if draft.time_limit is None and old is None else draft.time_limit
    )
    if time_limit is not None and (old is None or parse_duration(time_limit) != old.time_limit):
        _set_key(mapping, "time_limit", parse_duration(time_limit))
    _update_list(
        mapping,
        "tags",
        old.tags if old else [],
        draft.tags,
        lambda value, node, sample: _like(
            node if node is not None else sample, value, style.tag_style
        ),
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
