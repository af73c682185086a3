"""The few exceptions that stop a run. Problems in users' returned files are findings, not these."""


class SetupError(Exception):
    """The run cannot start: a bad config, rubric or form file. The message is one Chinese line."""


class ConfigError(SetupError):
    """config.toml is missing, unreadable or has a bad key."""


class RubricError(SetupError):
    """A rubric file is malformed or its points do not add up."""


class FormError(SetupError):
    """A progress-table form file is malformed."""
