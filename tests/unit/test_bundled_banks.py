"""Every bundled bank holds to the bar a jury would sign: checkable key points on every question and
follow-up, the student's deliverables and a calibration drill in every project, and facts that
render with and without the student's project card. (Times by difficulty, near-duplicates across
the projects of a path and reused ids are lint warnings: tests/unit/test_lint.py keeps the whole
bundle free of them.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from soutenance import paths
from soutenance.banks.loader import read_bank
from soutenance.banks.model import placeholders

BANKS = sorted(paths.bundled_banks_dir().rglob("*.yaml"))
DELIVERABLES = {"fr": "livrables", "en": "deliverables"}


def load(path: Path):
    result = read_bank(path)
    assert result.ok, [str(d) for d in result.diagnostics]
    return result.bank


def test_the_bundle_has_the_projects_of_each_path() -> None:
    projects = {path.relative_to(paths.bundled_banks_dir()).as_posix() for path in BANKS}
    assert len(projects) >= 21
    for needed in (
        "community-manager/veille-ecoute-sociale.yaml",
        "community-manager/campagne-social-ads.yaml",
        "community-manager/reporting-optimisation.yaml",
        "responsable-marketing-et-communication/communication-interne.yaml",
        "responsable-marketing-et-communication/evenement.yaml",
    ):
        assert needed in projects


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.stem)
def test_key_points_are_there_on_every_question_and_follow_up(path: Path) -> None:
    bank = load(path)
    assert len(bank.questions) >= 12
    for question in bank.questions:
        assert 2 <= len(question.key_points) <= 6, question.id
        for follow_up in question.follow_ups:
            assert follow_up.key_points, f"{question.id}: follow-up without key points"


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.stem)
def test_every_project_maps_deliverables_and_drills_calibration(path: Path) -> None:
    bank = load(path)
    tags = {tag for question in bank.questions for tag in question.tags}
    assert DELIVERABLES[bank.project.language] in tags
    assert "calibration" in tags


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.stem)
def test_facts_are_declared_and_every_question_renders_with_and_without_the_card(
    path: Path,
) -> None:
    bank = load(path)
    card = {name: f"<{name}>" for name in bank.project.facts}
    for question in bank.questions:
        used = placeholders(question.text)
        assert set(used) <= set(bank.project.facts), question.id
        generic, filled = question.render({}), question.render(card)
        assert "{" not in generic and "{" not in filled, question.id
        if used:
            assert generic == question.text_generic
            assert all(f"<{name}>" in filled for name in used)
        else:
            assert generic == filled == question.text
