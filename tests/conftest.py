"""Shared fixtures: the project's own config and rubrics, and templates generated from them."""

from pathlib import Path

import pytest

from inspection.config import load_config
from inspection.rubric import load_rubric
from inspection.templates import generate_templates
from tests.corpus import Context

ROOT = Path(__file__).resolve().parent.parent
XINYANG = ROOT / "rubrics" / "xinyang_2023_cross_inspection.toml"
XUCHANG = ROOT / "rubrics" / "xuchang_2018_responsibility_targets.toml"


@pytest.fixture(scope="session")
def config():
    return load_config(ROOT / "config.toml")


@pytest.fixture(scope="session")
def rubric(config):
    return load_rubric(config.rubric_path)


@pytest.fixture(scope="session")
def templates(config, rubric, tmp_path_factory):
    """The default campaign's templates, generated once per test session."""
    return generate_templates(config, rubric, tmp_path_factory.mktemp("templates"))


@pytest.fixture
def ctx(tmp_path, config, rubric, templates):
    """An empty input/ folder and what it takes to put returns in it (tests/corpus.py)."""
    c = Context(tmp_path / "input", templates.folder, config, rubric)
    c.input.mkdir()
    return c
