"""The project's named facts (`facts: {budget: "Budget total de la campagne"}`), set or removed.

Only the lines of the `facts` key are rewritten (with ruamel.yaml in round-trip mode, so their
comments and quoting survive); a first fact is added as the project's last key.
"""

from __future__ import annotations

import io

import yaml
from ruamel.yaml.comments import CommentedMap

from soutenance.banks.editing.errors import NotEditable
from soutenance.banks.editing.layout import _body, _last_line, _Layout
from soutenance.banks.editing.render import _like, _ruamel
from soutenance.banks.editing.splice import _splice


def _facts_node(project: yaml.MappingNode) -> tuple[yaml.Node, yaml.Node] | None:
    return next(
        ((k, v) for k, v in project.value if isinstance(k, yaml.ScalarNode) and k.value == "facts"),
        None,
    )


def _project(layout: _Layout) -> yaml.MappingNode:
    project = layout.project
    if not isinstance(project, yaml.MappingNode) or project.flow_style or not project.value:
        raise NotEditable(
            "the project's facts can only be edited in a block-style `project:` mapping"
        )
    return project


def _load_facts(layout: _Layout, key: yaml.Node, value: yaml.Node) -> tuple[CommentedMap, int, int]:
    """The `facts:` key and its value as ruamel reads them, and the lines [first, stop) they span."""
    first, stop, column = (
        key.start_mark.line,
        _last_line(value, layout.lines) + 1,
        key.start_mark.column,
    )
    block = "".join(_body(line)[column:] + "\n" for line in layout.lines[first:stop])
    loaded = _ruamel(layout.style).load(block)
    if not isinstance(loaded.get("facts"), CommentedMap):
        loaded["facts"] = CommentedMap()
    return loaded, first, stop


def _dump(mapping: CommentedMap, layout: _Layout, column: int) -> list[str]:
    buffer = io.StringIO()
    _ruamel(layout.style).dump(mapping, buffer)
    return [" " * column + line if line.strip() else "" for line in buffer.getvalue().splitlines()]


def set_fact_text(layout: _Layout, name: str, label: str) -> str:
    """The text with fact `name` labelled `label` (added after the others when new)."""
    project = _project(layout)
    found = _facts_node(project)
    if found is None:
        column = project.value[0][0].start_mark.column
        facts = CommentedMap()
        facts[name] = _like(None, label, None)
        stop = _last_line(project, layout.lines) + 1
        return _splice(layout, stop, stop, _dump(CommentedMap(facts=facts), layout, column))
    key, value = found
    loaded, first, stop = _load_facts(layout, key, value)
    facts = loaded["facts"]
    sibling = next(iter(facts.values()), None)
    facts[name] = _like(facts.get(name, sibling), label, None)
    return _splice(layout, first, stop, _dump(loaded, layout, key.start_mark.column))


def remove_fact_text(layout: _Layout, name: str) -> str:
    """The text without fact `name`; the `facts` key goes with its last fact."""
    found = _facts_node(_project(layout))
    if found is None:
        return "".join(layout.lines)
    key, value = found
    loaded, first, stop = _load_facts(layout, key, value)
    loaded["facts"].pop(name, None)
    lines = _dump(loaded, layout, key.start_mark.column) if loaded["facts"] else []
    return _splice(layout, first, stop, lines)
