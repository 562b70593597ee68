"""The text of a new bank file: a valid project, no questions yet, and commented guidance."""

from __future__ import annotations

import json
import os
from pathlib import Path

from soutenance import paths
from soutenance.banks.schema import schema_text
from soutenance.files import atomic_write, read_regular

SCHEMA_FILE = "bank.schema.json"
MODELINE_PREFIX = "# yaml-language-server: $schema="
MAX_SCHEMA_BYTES = 1 << 20

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
#     text: "Avec {{budget}}, pourquoi ce canal ?"   # {{budget}} : un fait du projet (facts, ci-dessous)
#     text_generic: "Avec votre budget, pourquoi ce canal ?"   # tant que le fait n'est pas rempli
#     key_points:                # ce que la réponse doit contenir : un chiffre, un seuil, une source…
#       - Un coût par contact chiffré
#       - text: Une source nommée
#         hints: [source, étude]   # mots qui montrent que le point est couvert
#     follow_ups:                # relances possibles, chacune avec ses points clés
#       - text: "Et sans ce canal ?"
#         key_points: [Un plan B chiffré]
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
#     text: "With {{budget}}, why this channel?"   # {{budget}}: a fact of the project (facts, below)
#     text_generic: "With your budget, why this channel?"   # while the fact is not filled in
#     key_points:                # what the answer must contain: a figure, a threshold, a source…
#       - A cost per contact, in figures
#       - text: A named source
#         hints: [source, study]   # words showing the point was covered
#     follow_ups:                # possible follow-up challenges, each with its key points
#       - text: "And without this channel?"
#         key_points: [A costed plan B]
#     difficulty: 2              # 1 easy, 2 usual, 3 hard
#     time_limit: 90             # seconds, or 1:30, 90s, 2m
#     tags: [theme]
""",
}

_FACTS_COMMENT = {
    "fr": [
        "# facts:                  # les chiffres de l'étudiant, demandés une fois (fiche projet)",
        '#   budget: "Budget total de la campagne"',
    ],
    "en": [
        "# facts:                  # the student's own figures, asked once (project card)",
        '#   budget: "Total campaign budget"',
    ],
}

_FORMAT_COMMENT = {
    "fr": "minutes de présentation, de questions et de débriefing",
    "en": "minutes of presentation, questions and debrief",
}


def schema_reference(folder: Path) -> str | None:
    """The modeline's path from a bank in `folder` to the nearest schema file, or None.

    The schema is `bank.schema.json` in `folder` or a folder above it, within the git repository
    holding `folder` (a schema outside it would be missing from the others' clones). The path is
    relative, so it holds on every machine and after every reinstall; never one into the installed
    package.
    """
    folder = Path(os.path.abspath(folder))
    for candidate in (folder, *folder.parents):
        if (candidate / SCHEMA_FILE).is_file():
            return Path(os.path.relpath(candidate / SCHEMA_FILE, folder)).as_posix()
        if (candidate / ".git").exists():
            return None
    return None


def modeline(folder: Path) -> str | None:
    """The first line of a bank written in `folder`: its schema modeline, or None without a schema."""
    reference = schema_reference(folder)
    return None if reference is None else MODELINE_PREFIX + reference


def refresh_user_schema(folder: Path) -> None:
    """Before writing a bank in `folder` under the user bank folder, put the schema at its top.

    That copy is rewritten when it differs from the installed version's, so the modelines of the
    user's banks always lead to the schema that validates them.
    """
    top = paths.user_banks_dir()
    try:
        Path(os.path.abspath(folder)).relative_to(os.path.abspath(top))
    except ValueError:
        return
    target, wanted = top / SCHEMA_FILE, schema_text().encode("utf-8")
    try:
        current = read_regular(target, MAX_SCHEMA_BYTES)
    except OSError:
        current = None
    if current == wanted:
        return
    try:
        top.mkdir(parents=True, exist_ok=True)
        atomic_write(target, wanted)
    except OSError:
        pass  # the bank is written all the same, without a modeline (none is reachable)


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
    first = modeline(folder)
    lines = [
        *([first] if first else []),
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
    lines += ["  " + line for line in _FACTS_COMMENT[language]]
    lines += ["", "questions: []", ""]
    return "\n".join(lines)
