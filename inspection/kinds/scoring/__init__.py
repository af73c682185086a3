"""The 打分表: its template, its reader and checks, what it stores, its demo returns."""
