"""Shared fixtures: the project's own config and rubrics, and templates generated from them."""

from pathlib import Path

import pytest

from inspection.spec.campaign import load_campaign
from inspection.templates import generate_templates
from tests.corpus import Context

ROOT = Path(__file__).resolve().parent.parent
XINYANG = ROOT / "rubrics" / "xinyang_2023_cross_inspection.toml"
XUCHANG = ROOT / "rubrics" / "xuchang_2018_responsibility_targets.toml"


@pytest.fixture(scope="session")
def campaign():
    """The default campaign (config.toml): config, rubric and forms, loaded once."""
    return load_campaign(ROOT / "config.toml")


@pytest.fixture(scope="session")
def config(campaign):
    return campaign.config


@pytest.fixture(scope="session")
def rubric(campaign):
    return campaign.rubric


@pytest.fixture(scope="session")
def templates(campaign, tmp_path_factory):
    """The default campaign's templates, generated once per test session."""
    return generate_templates(campaign, tmp_path_factory.mktemp("templates"))


@pytest.fixture
def ctx(tmp_path, campaign, templates):
    """An empty input/ folder and what it takes to put returns in it (tests/corpus.py)."""
    c = Context(tmp_path / "input", templates.folder, campaign)
    c.input.mkdir()
    return c
