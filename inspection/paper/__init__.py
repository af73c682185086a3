"""What every workbook the tool writes shares: styles, A4 pages, row heights, page breaks, _meta."""
