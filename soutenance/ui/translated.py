"""Binding descriptions are i18n keys, shown in the language chosen when a screen is made.

Class-level BINDINGS are built at import time, before --lang is read, and the tests run both
languages in one process. So a screen (or the app) is made as a subclass per language, named
like its class, whose BINDINGS carry the translated descriptions: Textual merges them over the
class's own, through its public way of declaring bindings, and CSS written for the class
applies unchanged (same type name, and the subclass is still an instance of it).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any

from textual.binding import Binding, BindingsMap

from soutenance.i18n import catalog, current_language, translate


class Translated:
    """Mix in before a Textual Screen or App class."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return super().__new__(localized(cls, current_language()))


@cache
def localized(cls: type, language: str) -> type:
    if cls.__dict__.get("_localized_to") is not None:
        return cls
    subclass = type(
        cls.__name__,
        (cls,),
        {
            "BINDINGS": translated_bindings(cls, language),
            "_localized_to": language,
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
            "__doc__": cls.__doc__,
        },
    )
    return subclass


def translated_bindings(cls: type, language: str) -> list[Binding]:
    """Every binding the class has, as Textual merges them (a subclass's key wins), translated."""
    by_key: dict[str, list[Binding]] = {}
    for base in reversed(cls.__mro__):
        declared = base.__dict__.get("BINDINGS")
        if declared:
            by_key.update(BindingsMap(declared).key_to_bindings)
    keys = catalog(language)
    return [
        replace(binding, description=translate(language, binding.description))
        if binding.description in keys
        else binding
        for bindings in by_key.values()
        for binding in bindings
    ]
