"""Spellings people type for the values of a dropdown, mapped to the official value.

Compared after squashing (no spaces, full-width → half-width), so "重大 隐患" and "（重大）" match too.
A mapped value is accepted with a warning that says what it was read as.
"""

from inspection.reading.cells import squash

HAZARD_LEVEL = {
    "重大隐患": "重大事故隐患",
    "重大": "重大事故隐患",
    "重大安全隐患": "重大事故隐患",
    "一般": "一般隐患",
    "一般事故隐患": "一般隐患",
    "一般安全隐患": "一般隐患",
}

RECTIFY_STATUS = {
    "已完成": "已整改",
    "完成": "已整改",
    "整改完毕": "已整改",
    "已整改完毕": "已整改",
    "已整改完成": "已整改",
    "已改正": "已整改",
    "已处理": "已整改",
    "正在整改中": "整改中",
    "整改中未完成": "整改中",
    "未整改完成": "整改中",
    "未完成整改": "未整改",
    "没有整改": "未整改",
    "已完成整改": "已整改",
    "整改完成": "已整改",
    "完成整改": "已整改",
    "已销号": "已整改",
    "已改": "已整改",
    "正在整改": "整改中",
    "整改中的": "整改中",
    "未完成": "未整改",
    "待整改": "未整改",
    "未改": "未整改",
}

SECTOR = {
    "危化": "危险化学品",
    "危化品": "危险化学品",
    "危险化学品企业": "危险化学品",
    "道路交通": "交通运输",
    "道路运输": "交通运输",
    "交通": "交通运输",
    "建筑": "建筑施工",
    "建筑业": "建筑施工",
    "消防安全": "消防",
    "城镇燃气": "燃气",
    "燃气安全": "燃气",
    "自建房": "经营性自建房",
    "文旅": "文化旅游",
    "学校": "校园安全",
    "校园": "校园安全",
    "医疗": "医疗卫生",
    "养老": "养老服务机构",
    "养老机构": "养老服务机构",
    "新业态": "新业态新领域",
    "矿山": "非煤矿山",
    "工矿商贸": "工贸",
    "渔船": "渔业船舶",
}

YES_NO = {"是": "是", "否": "否", "有": "是", "无": "否", "没有": "否", "Y": "是", "N": "否", "YES": "是", "NO": "否",
          "√": "是", "✓": "是", "✔": "是", "×": "否", "✗": "否", "✘": "否", "X": "否", "TRUE": "是", "FALSE": "否",
          "已": "是", "未": "否", "是的": "是", "不是": "否"}


def official_value(text: str, official: dict[str, str], alias: dict[str, str]) -> str | None:
    """What was typed in a dropdown cell as its official value (squashed official value → value),
    directly or through an aliases table above; None when it is neither."""
    key = squash(text).strip("()")
    return official.get(key) or alias.get(key)
