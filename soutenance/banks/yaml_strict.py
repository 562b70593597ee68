"""Strict YAML reading: safe C-accelerated composition, then our own construction.

All plain scalars stay text (so `no`, `on` and `1:30` are never turned into booleans or
sexagesimal numbers); the schema converts the few numeric fields itself. Duplicate keys,
tags, anchors/aliases and deep nesting are refused with the position of the offending node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

MAX_DEPTH = 40
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: _SEQ, yaml.MappingNode: _MAP}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NodeLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Composes nodes only; every untagged node gets the plain str/seq/map tag."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:  # noqa: ARG002
        return _DEFAULT_TAGS[kind]


class StrictYamlError(Exception):
    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


def _where(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def compose(text: str) -> yaml.Node | None:
    """The node tree of a single-document YAML text, or None when it holds no document."""
    loader = _NodeLoader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if "expected a single document" in str(exc.context or ""):
            problem = "a bank holds one YAML document; remove the extra `---`"
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise StrictYamlError(f"invalid YAML: {problem}", line, col) from None
    except yaml.YAMLError as exc:
        raise StrictYamlError(f"invalid YAML: {exc}", 1, 1) from None
    except RecursionError:
        raise StrictYamlError(f"invalid YAML: nesting deeper than {MAX_DEPTH} levels", 1, 1) from None
    finally:
        loader.dispose()


@dataclass(slots=True)
class _Builder:
    seen: set[int]

    def build(self, node: yaml.Node, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise StrictYamlError(f"nesting deeper than {MAX_DEPTH} levels", *_where(node))
        if id(node) in self.seen:
            raise StrictYamlError(
                "anchors and aliases (&name, *name) are not allowed in a bank; "
                "this value is reused by an alias",
                *_where(node),
            )
        self.seen.add(id(node))
        if node.tag != _DEFAULT_TAGS[type(node)]:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise StrictYamlError(f"tag `{tag}` is not allowed in a bank", *_where(node))
        if isinstance(node, yaml.ScalarNode):
            if not node.style and node.value in _NULLS:  # the C loader marks plain scalars with ''
                return None
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, depth + 1) for item in node.value]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                raise StrictYamlError("a key must be plain text", *_where(key_node))
            key = key_node.value
            if key in result:
                raise StrictYamlError(f"duplicate key `{key}`", *_where(key_node))
            result[key] = self.build(value_node, depth + 1)
        return result


def construct(node: yaml.Node) -> Any:
    """Python values (dict, list, str, None) from a node tree, refusing what banks never need."""
    return _Builder(set()).build(node, 0)


def locate(root: yaml.Node, loc: tuple[Any, ...], *, key: bool = False) -> tuple[int, int]:
    """Position of the node at `loc` (keys and indexes), or of its closest existing parent.

    With key=True, a mapping entry is located by its key rather than its value.
    """
    node = root
    for step in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == step), None)
            if match is None:
                return _where(node)
            if key and step == loc[-1]:
                return _where(match[0])
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            return _where(node)
    return _where(node)
