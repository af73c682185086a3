"""The campaign spec: settings (config.toml or the setup workbook), rubric, 调度表 forms, TOML reading."""
