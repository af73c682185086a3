"""Intake: every file under input/ found, measured before it is opened, opened by its format, and identified."""
