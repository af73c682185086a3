"""The few exceptions that stop a run. Problems in users' returned files are findings, not these."""

from collections.abc import Sequence

# A file with several problems: this line, then one line per problem, each indented.
SEVERAL_PROBLEMS = "{source} 有 {count} 处问题，请逐条改正："
PROBLEM_LINE = "  {problem}"


class SetupError(Exception):
    """The run cannot start: a bad config, rubric or form file. The message is one Chinese line,
    or, for a file with several problems, a line saying how many and then one line for each."""

    problems: tuple[str, ...] = ()

    @classmethod
    def listing(cls, source: str, problems: Sequence[str]) -> "SetupError":
        """Every problem of one file (`source` names it, e.g. "考评细则文件 x.toml"): one problem
        is one line, several are a headline and one indented line each."""
        if len(problems) == 1:
            err = cls(f"{source}：{problems[0]}")
        else:
            lines = [SEVERAL_PROBLEMS.format(source=source, count=len(problems))]
            lines += [PROBLEM_LINE.format(problem=p) for p in problems]
            err = cls("\n".join(lines))
        err.problems = tuple(problems)
        return err


class ConfigError(SetupError):
    """config.toml is missing, unreadable or has a bad key."""


class RubricError(SetupError):
    """A rubric file is malformed or its points do not add up."""


class FormError(SetupError):
    """A progress-table form file is malformed."""
