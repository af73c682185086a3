"""退回修改: the returns sent back marked up, and the check that a marked copy lost nothing."""
