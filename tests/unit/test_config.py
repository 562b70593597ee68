"""Settings: a bad value is reported once, with the file and the key, and its default used."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from soutenance import i18n
from soutenance.config import Config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.json"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_value_falls_back_to_its_default_and_the_others_stay(tmp_path: Path) -> None:
    path = write(
        tmp_path, json.dumps({"amber_fraction": "beaucoup", "default_count": 8, "student": "Zoé"})
    )
    config = Config.load(path)
    assert config.amber_fraction == 0.25 and config.default_count == 8 and config.student == "Zoé"
    assert len(config.problems) == 1
    i18n.set_language("fr")
    line = str(config.problems[0])
    assert str(path) in line and "amber_fraction" in line and "'beaucoup'" in line
    assert "valeur par défaut" in line and "\n" not in line
    i18n.set_language("en")
    assert "the default is used" in str(config.problems[0])


@pytest.mark.parametrize(
    ("text", "where"),
    [("{not json", "1:2"), ("[1, 2]", "[1, 2]"), ('"beaucoup"', '"beaucoup"')],
)
def test_a_file_that_is_not_settings_gives_every_default_and_one_problem(
    tmp_path: Path, text: str, where: str
) -> None:
    config = Config.load(write(tmp_path, text))
    assert config.model_dump() == Config().model_dump()
    assert len(config.problems) == 1 and where in str(config.problems[0])


def test_nested_voice_values_are_named_by_their_path(tmp_path: Path) -> None:
    config = Config.load(
        write(tmp_path, json.dumps({"voice": {"record": "peut-être"}, "prep_seconds": 30}))
    )
    assert config.prep_seconds == 30
    assert [p.key for p in config.problems] == ["voice.record"]


def test_out_of_range_numbers_and_nan_are_refused(tmp_path: Path) -> None:
    config = Config.load(
        write(tmp_path, '{"default_count": 0, "amber_fraction": NaN, "prep_seconds": 1e309}')
    )
    assert (config.default_count, config.amber_fraction, config.prep_seconds) == (5, 0.25, 0)
    assert sorted(p.key for p in config.problems) == [
        "amber_fraction",
        "default_count",
        "prep_seconds",
    ]


def test_the_first_release_s_extra_last_project_is_kept(tmp_path: Path) -> None:
    config = Config.load(
        write(tmp_path, json.dumps({"extra": {"last_project": "community-manager/crise"}}))
    )
    assert config.last_project == "community-manager/crise" and not config.problems


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_gives_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, '{"default_count": 9}')
    path.chmod(0)
    config = Config.load(path)
    assert config.default_count == 5 and "PermissionError" in str(config.problems[0])


def test_saving_into_a_folder_that_cannot_be_written_keeps_the_settings_in_memory(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    config = Config(default_count=7)
    assert config.save(blocker / "config.json") is False
    assert config.default_count == 7


def test_a_saved_config_loads_back_equal(tmp_path: Path) -> None:
    config = Config(language="en", student="Léa", default_count=12, amber_fraction=0.4)
    path = tmp_path / "sub" / "config.json"
    assert config.save(path)
    assert Config.load(path).model_dump() == config.model_dump()
