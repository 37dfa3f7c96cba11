"""Credits written into the text of a page rather than its metadata, as Chinese portals do.

"作者： 记者王敬照", "（编译/林靖东）", "来源: 鞭牛士", "稿件来源：河北日报",
"（本文来源：经济日报 作者：…研究员徐占忱）" and datelines ("TNW中文站 10月14日报道").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_STOP = r"\s，,。；;（）()【】\[\]|丨/:：<>"
_AUTHOR = re.compile(
    r"(?:^|[\s（(【\[])(?:作者|撰文|编译|文|记者)\s*[:：/|丨]\s*(?P<value>[^\n（）()【】\[\]|丨]{2,80})"
)
_SOURCE = re.compile(
    rf"(?:^|[\s（(【\[])(?:稿件来源|本文来源|文章来源|来源)\s*[:：]\s*(?P<value>[^{_STOP}]{{2,20}})"
)
_DATELINE = re.compile(
    rf"^(?P<value>[^{_STOP}\d]{{2,12}})\s*\d{{1,2}}月\d{{1,2}}日"
    r"(?:电|讯|报道|消息)"
)
# Titles and roles written before a name: the name is what follows the last of them.
_ROLES = re.compile(
    r"^.*(?:记者|编辑|研究员|教授|主任|部长|博士|通讯员|撰稿人|分析师|实习生|特约|主编|院长|所长)"
)
_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,6}$|^[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}$")
_LINE_LIMIT = 120
# The next credit on the same line ("作者： 记者王敬照 编辑： 王华军").
_NEXT_CREDIT = re.compile(r"\s+[\u4e00-\u9fff]{1,4}\s*[:：]")


@dataclass(frozen=True)
class Credits:
    author: str = ""
    source: str = ""


def _person(value: str) -> str:
    """The person's name in a credit: the last of several, without titles before it."""
    value = _NEXT_CREDIT.split(value, maxsplit=1)[0]
    value = re.split(r"[，,、\s]+", value.strip())[-1] if value.strip() else ""
    value = _ROLES.sub("", value).strip("…. ")
    return value if _NAME.match(value) else ""


def credits_in(lines: list[str]) -> Credits:
    """The first author and source credited in these lines (short lines only)."""
    author = source = ""
    for line in lines:
        if len(line) > _LINE_LIMIT and not line.startswith(("（", "(")):
            continue
        if not author:
            for match in _AUTHOR.finditer(line):
                author = _person(match["value"])
                if author:
                    break
        if not source:
            found = _SOURCE.search(line) or _DATELINE.match(line)
            source = found["value"].strip() if found else ""
        if author and source:
            break
    return Credits(author=author, source=source)
