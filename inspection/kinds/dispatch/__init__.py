"""The 交办清单: its template, its reader and checks, what it stores, its demo returns."""
