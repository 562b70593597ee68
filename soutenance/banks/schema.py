"""The JSON Schema of bank files, generated from the pydantic model (never written by hand)."""

from __future__ import annotations

import json

from soutenance.banks.model import Bank


def bank_schema() -> dict:
    schema = Bank.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text() -> str:
    return json.dumps(bank_schema(), ensure_ascii=False, indent=2) + "\n"
