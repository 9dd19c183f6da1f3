"""The one list of the app's pages (file, Chinese title, icon, URL): the frame builds its
navigation from it and tests check the `pages/` folder against it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "总结看板"


@dataclass(frozen=True)
class PageDef:
    script: str                 # relative to app.py
    title: str
    icon: str
    imports: bool = False       # uploads and ingests files: needs auth.import_allowed()
    default: bool = False       # the page at the root URL

    @property
    def url_path(self) -> str:
        """The URL path Streamlit derived from the file name in the old `pages/` mode ("" for
        the default page): `pages/1_活动指标.py` -> `活动指标` (leading number and `_` dropped),
        so old links keep working."""
        if self.default:
            return ""
        stem = Path(self.script).stem
        return re.sub(r"[_ ]+", "_", re.sub(r"^[0-9]*[_ -]*", "", stem)).strip()


PAGES: tuple[PageDef, ...] = (
    PageDef("pages/0_总览.py", "总览", ":material/dashboard:", default=True),
    PageDef("pages/1_活动指标.py", "活动指标", ":material/bar_chart:"),
    PageDef("pages/2_存在问题.py", "存在问题", ":material/report_problem:"),
    PageDef("pages/3_关键词.py", "关键词", ":material/cloud:"),
    PageDef("pages/4_报告浏览.py", "报告浏览", ":material/article:"),
    PageDef("pages/5_数据导入.py", "数据导入", ":material/upload_file:", imports=True),
    PageDef("pages/6_查重.py", "查重", ":material/content_copy:"),
    PageDef("pages/7_考核.py", "考核", ":material/fact_check:"),
)
PAGE_BY_TITLE = {p.title: p for p in PAGES}
READER = PAGE_BY_TITLE["报告浏览"]
