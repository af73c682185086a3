"""The consolidated workbook (排名汇总): one module per sheet, and the reminders."""
