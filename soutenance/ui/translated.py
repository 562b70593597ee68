"""Binding descriptions are i18n keys, translated per instance once the language is known.

Class-level BINDINGS are built at import time, before --lang is read; translating them when a
screen is created makes the footer and the command palette follow the chosen language.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from soutenance.i18n import t


def translate_bindings(node: Any) -> None:
    bindings = node._bindings.key_to_bindings
    for key, items in bindings.items():
        bindings[key] = [replace(b, description=t(b.description)) if b.description else b for b in items]


class Translated:
    """Mix in before a Textual Screen or App class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)
