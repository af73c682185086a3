"""Reading returned workbooks. Only reading/book.py touches a spreadsheet library."""
