"""Questions mentors already have, read from CSV, Anki text exports and Markdown lists.

Each reader turns a source into drafts with the line they came from; `plan_import` then says
which drafts would be added to a bank and which are skipped as duplicates (exact or near) of an
existing question or of an earlier imported one. Nothing here writes a file.

The modules: `sources` (reading a file or bytes, telling its format), one per format
(`csv_format`, `anki`, `markdown_list`), `plan` (what an import would add or skip), and
`common` (the parsed result and the cell helpers every reader shares).
"""

from soutenance.banks.importers.anki import html_lines, parse_anki
from soutenance.banks.importers.common import (
    Imported,
    ImportFailed,
    Parsed,
    Problem,
    comparable,
    parse_difficulty,
    split_items,
    split_tags,
    strip_bullets,
)
from soutenance.banks.importers.csv_format import CSV_COLUMNS, parse_csv
from soutenance.banks.importers.markdown_list import parse_markdown
from soutenance.banks.importers.plan import ImportPlan, Skipped, drafts_of, plan_import
from soutenance.banks.importers.sources import (
    FORMATS,
    decode_source,
    detect_format,
    parse_bytes,
    parse_source,
    read_source,
)

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "ImportFailed",
    "ImportPlan",
    "Imported",
    "Parsed",
    "Problem",
    "Skipped",
    "decode_source",
    "detect_format",
    "drafts_of",
    "comparable",
    "html_lines",
    "parse_anki",
    "parse_bytes",
    "parse_csv",
    "parse_difficulty",
    "parse_markdown",
    "parse_source",
    "plan_import",
    "read_source",
    "split_items",
    "split_tags",
    "strip_bullets",
]
