"""The README keeps up with the tool: every command, every finding code, the quick start."""

from inspection.cli import build_parser
from inspection.findings import Code
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme__every_command_has_help_and_is_documented():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse keeps subcommands here
    assert set(commands) == {"templates", "run", "demo", "history", "setup", "new"}
    for name, sub in commands.items():
        assert f"python process.py {name}" in README
        assert sub.description and sub.format_help()


def test_readme__every_finding_code_listed_with_its_level():
    for code in Code:
        assert f"| {code.name} | {code.level} |" in README, code.name


def test_readme__quick_start_is_two_commands_and_ci_runs_the_test_one():
    block = README.split("## 快速开始")[1].split("```")[1].strip().splitlines()
    assert len(block) == 2 and block[0].endswith("python process.py demo")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert block[1] in ci
