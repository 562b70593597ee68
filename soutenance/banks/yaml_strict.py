"""Strict YAML reading: safe C-accelerated composition, then our own construction.

All plain scalars stay text (so `no`, `on` and `1:30` are never turned into booleans or
sexagesimal numbers); the schema converts the few numeric fields itself. Duplicate keys,
tags, anchors/aliases and deep nesting are refused with the position of the offending node.
Syntax errors are reported where the problem starts: an unclosed quote at its opening quote,
a tab at the tab, a forbidden character at that character.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from soutenance.banks.yaml_errors import StrictYamlError, syntax_error, too_deep

MAX_DEPTH = 40
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: _SEQ, yaml.MappingNode: _MAP}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Scalar, _Sequence = yaml.ScalarNode, yaml.SequenceNode

__all__ = ["MAX_DEPTH", "StrictYamlError", "compose", "construct", "locate"]


class _NodeLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Composes nodes only; every untagged node gets the plain str/seq/map tag."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:  # noqa: ARG002
        return _DEFAULT_TAGS[kind]


def _where(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def compose(text: str) -> yaml.Node | None:
    """The node tree of a single-document YAML text, or None when it holds no document."""
    loader = _NodeLoader(text)
    try:
        return loader.get_single_node()
    except yaml.YAMLError as exc:
        if "nesting depth" in str(
            getattr(exc, "problem", "")
        ):  # libyaml's own limit, far past ours
            raise too_deep(
                text, MAX_DEPTH, _NodeLoader, getattr(exc, "problem_mark", None)
            ) from None
        raise syntax_error(text, exc, _NodeLoader) from None
    except RecursionError:
        raise too_deep(text, MAX_DEPTH, _NodeLoader) from None
    finally:
        loader.dispose()


_MAY_ALIAS = re.compile(r"&[^\s,\[\]{}]")


class _Builder:
    """Python values from nodes. Leaves are handled inline: most nodes are scalars.

    Untagged nodes carry the very tag objects `_NodeLoader.resolve` returned, so an identity
    test tells them from explicitly tagged ones. A node reached twice is an alias; aliases need
    an anchor (`&name`), so texts without one skip that bookkeeping.
    """

    __slots__ = ("seen",)

    def __init__(self, track_aliases: bool) -> None:
        self.seen: set[int] | None = set() if track_aliases else None

    def build(self, node: yaml.Node, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise StrictYamlError(f"nesting deeper than {MAX_DEPTH} levels", *_where(node))
        if self.seen is not None:
            if id(node) in self.seen:
                raise StrictYamlError(
                    "anchors and aliases (&name, *name) are not allowed in a bank; "
                    "this value is reused by an alias",
                    *_where(node),
                )
            self.seen.add(id(node))
        kind = node.__class__
        expected = _DEFAULT_TAGS.get(kind)
        if node.tag is not expected and node.tag != expected:  # `!!str` and the like change nothing
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            raise StrictYamlError(f"tag `{tag}` is not allowed in a bank", *_where(node))
        if kind is _Scalar:
            return None if not node.style and node.value in _NULLS else node.value
        fast = self.seen is None
        deeper = depth + 1
        if kind is _Sequence:
            items = []
            for child in node.value:
                if fast and child.__class__ is _Scalar and child.tag is _STR:
                    value = child.value
                    items.append(None if not child.style and value in _NULLS else value)
                else:
                    items.append(self.build(child, deeper))
            return items
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not _Scalar or key_node.tag != _STR:
                raise StrictYamlError("a key must be plain text", *_where(key_node))
            key = key_node.value
            if key in result:
                raise StrictYamlError(f"duplicate key `{key}`", *_where(key_node))
            if self.seen is not None:
                if id(key_node) in self.seen:
                    raise StrictYamlError(
                        "anchors and aliases (&name, *name) are not allowed in a bank",
                        *_where(key_node),
                    )
                self.seen.add(id(key_node))
            if fast and value_node.__class__ is _Scalar and value_node.tag is _STR:
                value = value_node.value
                result[key] = None if not value_node.style and value in _NULLS else value
            else:
                result[key] = self.build(value_node, deeper)
        return result


def construct(node: yaml.Node, text: str | None = None) -> Any:
    """Python values (dict, list, str, None) from a node tree, refusing what banks never need.

    Given the `text` the nodes came from, aliases are looked for only when it has an anchor.
    """
    track = text is None or _MAY_ALIAS.search(text) is not None
    return _Builder(track).build(node, 0)


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
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value)
        ):
            node = node.value[step]
        else:
            return _where(node)
    return _where(node)


def node_at(root: yaml.Node, loc: tuple[Any, ...]) -> yaml.Node | None:
    """The node at `loc`, or None when some step of it does not exist."""
    node = root
    for step in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == step), None)
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value)
        ):
            node = node.value[step]
        else:
            return None
        if node is None:
            return None
    return node
