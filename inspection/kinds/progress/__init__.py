"""The 调度表: its template, its reader and checks, what it stores, its demo returns."""
