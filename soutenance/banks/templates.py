"""The text of a new bank file: a valid project, no questions yet, and commented guidance."""

from __future__ import annotations

import json
import os
from pathlib import Path

from soutenance import paths

SCHEMA_FILE = "bank.schema.json"
MODELINE_PREFIX = "# yaml-language-server: $schema="

DEFAULT_EVALUATOR = {
    "fr": "Un membre du jury, dans le rôle du client du projet",
    "en": "A member of the jury, playing the project's client",
}

_GUIDANCE = {
    "fr": """\
# Banque de questions du projet « {title} ».
# Vérifiez-la avec : soutenance bank lint {file}
# Ajoutez des questions avec : soutenance bank add {file} --text "…" --key-point "…"
#
# Chaque question :
#   - id: identifiant-stable     # ne le changez plus : l'historique des réponses y est attaché
#     text: "La question posée par l'évaluateur ?"
#     key_points:                # ce qu'une bonne réponse couvre, une courte phrase chacun
#       - Premier point attendu
#     follow_ups:                # relances possibles
#       - "Et si … ?"
#     difficulty: 2              # 1 facile, 2 habituelle, 3 difficile
#     time_limit: 90             # secondes, ou 1:30, 90s, 2m
#     tags: [theme]
""",
    "en": """\
# Question bank of the project "{title}".
# Check it with: soutenance bank lint {file}
# Add questions with: soutenance bank add {file} --text "…" --key-point "…"
#
# Each question:
#   - id: stable-id              # keep it once set: the answers' history is attached to it
#     text: "The question the evaluator asks?"
#     key_points:                # what a good answer covers, one short phrase each
#       - First expected point
#     follow_ups:                # possible follow-up challenges
#       - "And what if …?"
#     difficulty: 2              # 1 easy, 2 usual, 3 hard
#     time_limit: 90             # seconds, or 1:30, 90s, 2m
#     tags: [theme]
""",
}

_FORMAT_COMMENT = {
    "fr": "minutes de présentation, de questions et de débriefing",
    "en": "minutes of presentation, questions and debrief",
}


def schema_reference(folder: Path) -> str:
    """How a bank in `folder` points at the bundled JSON Schema: a short relative path, else a file URI."""
    schema = (paths.bundled_banks_dir() / SCHEMA_FILE).resolve()
    try:
        relative = Path(os.path.relpath(schema, folder.resolve()))
    except ValueError:  # another drive on Windows
        return schema.as_uri()
    if relative.parts.count("..") <= 2:
        return relative.as_posix()
    return schema.as_uri()


def modeline(folder: Path) -> str:
    return MODELINE_PREFIX + schema_reference(folder)


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML double-quoted scalars)."""
    return json.dumps(value, ensure_ascii=False)


def bank_template(
    *,
    project_id: str,
    title: str,
    path_name: str,
    language: str,
    evaluator_role: str | None,
    folder: Path,
    file_name: str,
    description: str | None = None,
) -> str:
    """A new bank's text; callers validate it with the loader before writing it."""
    role = evaluator_role or DEFAULT_EVALUATOR[language]
    lines = [
        modeline(folder),
        _GUIDANCE[language].format(title=title, file=file_name).rstrip("\n"),
        "",
        "project:",
        f"  id: {project_id}",
        f"  title: {_quoted(title)}",
        f"  path: {_quoted(path_name)}",
        f"  language: {language}",
        f"  evaluator_role: {_quoted(role)}",
        f"  format: {{presentation: 15, discussion: 10, debrief: 5}}  # {_FORMAT_COMMENT[language]}",
    ]
    if description:
        lines.append(f"  description: {_quoted(description)}")
    lines += ["", "questions: []", ""]
    return "\n".join(lines)
