"""The units' own 自评表 and 自查问题清单: the 打分表 and 交办清单 in another role."""
