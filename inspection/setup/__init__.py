"""Setting up a campaign from a workbook: the rubric table pasted from the notice (rubric_table)."""
