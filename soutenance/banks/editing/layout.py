"""The layout of a bank's text: its lines, where each question item sits, and the file's style.

Nothing here changes the text; the style (indentation, quoting, flow or block lists, blank lines
between items) is detected so that new questions look like their neighbours.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from soutenance.banks.editing.errors import NotABank, NotEditable
from soutenance.banks.yaml_strict import StrictYamlError, compose

_LINE = re.compile(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\r\n\x85\u2028\u2029]|$)")


def split_lines(text: str) -> list[str]:
    """Lines with their endings, broken exactly where YAML counts line breaks."""
    lines = _LINE.findall(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _body(line: str) -> str:
    return line.rstrip("\r\n\x85\u2028\u2029")


def _blank(line: str) -> bool:
    return not _body(line).strip()


def _comment(line: str) -> bool:
    return _body(line).lstrip().startswith("#")


@dataclass(slots=True)
class _Span:
    """The lines of one question item: `start` holds its dash, `end` its last content (inclusive)."""

    start: int
    end: int
    dash_col: int
    content_col: int
    node: yaml.Node


@dataclass(slots=True)
class _Style:
    """How this file writes questions, so new ones look like their neighbours."""

    dash_col: int = 2
    content_col: int = 4
    mapping_indent: int = 2
    seq_offset: int = 2
    seq_indent: int = 4
    blank_between: bool = True
    text_style: str | None = '"'
    key_point_style: str | None = None
    follow_up_style: str | None = '"'
    tag_style: str | None = None
    key_points_flow: bool = False
    follow_ups_flow: bool = False
    tags_flow: bool = True
    newline: str = "\n"


@dataclass(slots=True)
class _Layout:
    lines: list[str]
    key_line: int | None  # the `questions:` line
    value: yaml.Node | None  # the questions value node
    items: list[_Span]
    region_end: int  # first line after the questions (the next top-level key, or the end)
    style: _Style
    project: yaml.Node | None = None  # the value of `project`


def _last_line(node: yaml.Node, lines: list[str]) -> int:
    """The last line holding content of `node` (comments and trailing blank lines excluded)."""
    if isinstance(node, yaml.ScalarNode):
        end = node.end_mark.line
        if node.style in ("|", ">"):
            if node.end_mark.column == 0:
                end -= 1
            header = _body(lines[node.start_mark.line])[node.start_mark.column :].split("#")[0]
            if "+" not in header:
                while end > node.start_mark.line and _blank(lines[end]):
                    end -= 1
        return min(end, len(lines) - 1)
    if getattr(node, "flow_style", False):
        return node.end_mark.line
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            children += [key, value]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    if not children:
        return node.end_mark.line
    return max(_last_line(child, lines) for child in children)


def _item_span(node: yaml.Node, lines: list[str]) -> _Span:
    line, col = node.start_mark.line, node.start_mark.column
    head = _body(lines[line])[:col]
    if re.fullmatch(r"\s*-\s+", head):
        dash = head.index("-")
        return _Span(line, _last_line(node, lines), dash, col, node)
    start = line  # the dash sits alone on an earlier line
    while start > 0 and not re.fullmatch(r"\s*-\s*(#.*)?", _body(lines[start])):
        start -= 1
    dash = _body(lines[start]).index("-") if "-" in _body(lines[start]) else max(col - 2, 0)
    return _Span(start, _last_line(node, lines), dash, col, node)


def _majority(values: Iterable[Any], default: Any) -> Any:
    counted = Counter(values).most_common(1)
    return counted[0][0] if counted else default


def _analyze(text: str) -> _Layout:
    """The lines, the questions' spans and the file's style; raises NotABank / NotEditable."""
    lines = split_lines(text)
    try:
        root = compose(text)
    except StrictYamlError as exc:
        raise NotABank(
            f"invalid YAML at line {exc.line}, column {exc.col}: {exc.message}"
        ) from None
    if not isinstance(root, yaml.MappingNode):
        raise NotABank(
            "this file is not a bank: a bank is a mapping with `project` and `questions`"
        )
    if root.flow_style:
        raise NotEditable(
            "the bank is written as one flow mapping ({…}); write it in block style to edit it here"
        )
    keys = {k.value: (k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    if "project" not in keys and "questions" not in keys:
        raise NotABank("this file is not a bank: it has neither `project` nor `questions`")
    style = _Style()
    first = next((line for line in lines if line.endswith("\n")), "")
    style.newline = "\r\n" if first.endswith("\r\n") else "\n"
    project = keys.get("project", (None, None))[1]
    if isinstance(project, yaml.MappingNode) and not project.flow_style and project.value:
        style.mapping_indent = max(project.value[0][0].start_mark.column, 1)
        style.dash_col = style.mapping_indent
        style.content_col = style.dash_col + 2
    key_line = value = None
    region_end = len(lines)
    items: list[_Span] = []
    if "questions" in keys:
        key_node, value = keys["questions"]
        key_line = key_node.start_mark.line
        later = [k.start_mark.line for k, _ in root.value if k.start_mark.line > key_line]
        document_end = [
            i for i in range(key_line + 1, len(lines)) if re.match(r"\.\.\.(\s|$)", lines[i])
        ]
        region_end = min(later + document_end[:1], default=len(lines))
        if isinstance(value, yaml.SequenceNode) and value.flow_style and value.value:
            raise NotEditable(
                "the questions are written as a flow list ([…]); write one `- ` item per question to edit "
                "this bank here"
            )
        if isinstance(value, yaml.SequenceNode) and not value.flow_style:
            items = [_item_span(node, lines) for node in value.value]
        elif isinstance(value, yaml.MappingNode):
            raise NotABank("`questions` must be a list of questions")
    _detect_style(style, items, lines)
    return _Layout(lines, key_line, value, items, region_end, style, project)


def _detect_style(style: _Style, items: list[_Span], lines: list[str]) -> None:
    if not items:
        return
    style.dash_col, style.content_col = items[0].dash_col, items[0].content_col
    gaps = [
        any(_blank(lines[i]) for i in range(a.end + 1, b.start))
        for a, b in zip(items, items[1:], strict=False)
    ]
    style.blank_between = _majority(gaps, True)
    text_styles, kp_styles, fu_styles, tag_styles = [], [], [], []
    flows: dict[str, list[bool]] = {"key_points": [], "follow_ups": [], "tags": []}
    nested: tuple[int, int] | None = None
    for span in items:
        if not isinstance(span.node, yaml.MappingNode):
            continue
        for key, value in span.node.value:
            name = key.value
            if name == "text" and isinstance(value, yaml.ScalarNode):
                text_styles.append(value.style or None)
            if isinstance(value, yaml.SequenceNode) and name in flows:
                flows[name].append(bool(value.flow_style))
                scalars = [v.style or None for v in value.value if isinstance(v, yaml.ScalarNode)]
                {"key_points": kp_styles, "follow_ups": fu_styles, "tags": tag_styles}[name].extend(
                    scalars
                )
                if nested is None and not value.flow_style and value.value:
                    child = value.value[0]
                    head = _body(lines[child.start_mark.line])[: child.start_mark.column]
                    if head.rstrip().endswith("-"):
                        dash = len(head.rstrip()) - 1
                        nested = (
                            dash - key.start_mark.column,
                            child.start_mark.column - key.start_mark.column,
                        )
    plain_or_quoted = ("|", ">")
    style.text_style = _majority(text_styles, style.text_style)
    style.key_point_style = _majority(
        [s for s in kp_styles if s not in plain_or_quoted], style.key_point_style
    )
    style.follow_up_style = _majority(
        [s for s in fu_styles if s not in plain_or_quoted], style.follow_up_style
    )
    style.tag_style = _majority(
        [s for s in tag_styles if s not in plain_or_quoted], style.tag_style
    )
    style.key_points_flow = _majority(flows["key_points"], style.key_points_flow)
    style.follow_ups_flow = _majority(flows["follow_ups"], style.follow_ups_flow)
    style.tags_flow = _majority(flows["tags"], style.tags_flow)
    if nested is not None and nested[1] >= nested[0] + 2:
        style.seq_offset, style.seq_indent = nested
    else:
        style.seq_offset = style.dash_col - 0
        style.seq_indent = max(style.content_col, style.seq_offset + 2)
