"""Report text made safe and marked up: HTML/Markdown escaping of anything from the data,
and the reader's highlighting (extracted metrics and shortcomings, section badges, the
clause a link asked for, keyword-in-context lines)."""
from __future__ import annotations

import html
import re
from typing import Any, Iterable

import pandas as pd

from dashboard.theme import FONT_FAMILY
from pipeline.queries.labels import fmt_num


def esc(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~$!])")


def md(text: Any) -> str:
    """Text from the data (titles, unit names, search terms) made safe to put into a
    Markdown string (st.caption, st.subheader, st.info, metric values): HTML characters
    become entities and Markdown/LaTeX punctuation is backslash-escaped, so it shows as the
    literal text - no tags, links, images or formulas."""
    s = "" if text is None else " ".join(str(text).splitlines())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(s, quote=False))


READER_CSS = """<style>
.zj-reader{white-space:pre-wrap;line-height:1.9;font-size:15px;max-height:75vh;overflow-y:auto;
  padding:12px 16px;border:1px solid rgba(128,128,128,.3);border-radius:8px;font-family:%s}
.zj-reader mark{padding:1px 0;border-radius:3px;color:inherit}
.zj-reader mark.zj-metric{background:#FFE08A}
.zj-reader mark.zj-shortcoming{background:#FFC9C9}
.zj-reader mark.zj-metric-shortcoming{background:#FFB36B}
.zj-reader .zj-sec{display:inline-block;font-size:12px;line-height:1.4;padding:0 6px;margin-right:4px;
  border-radius:8px;background:#E3ECFA;color:#1F4E9A}
.zj-legend mark{padding:1px 6px;border-radius:3px}
.zj-target + mark{outline:2px solid #E15759;animation:zjflash 1s ease-in-out 3}
@keyframes zjflash{50%%{background:#E15759;color:#fff}}
.zj-kwic{font-size:15px;line-height:1.8;font-family:%s}
.zj-kwic td{padding:0 6px;white-space:nowrap}
.zj-kwic td.l{text-align:right;color:#555}.zj-kwic td.r{color:#555}
.zj-kwic td.t b{background:#FFE08A;padding:0 3px;border-radius:3px}
</style>""" % (FONT_FAMILY, FONT_FAMILY)

LEGEND_HTML = ('<div class="zj-legend"><mark class="zj-metric" style="background:#FFE08A">活动指标</mark> '
               '<mark class="zj-shortcoming" style="background:#FFC9C9">存在问题</mark> '
               '<mark style="background:#FFB36B">两者重叠</mark> '
               '<span class="zj-sec" style="background:#E3ECFA;padding:0 6px;border-radius:8px">部分</span>'
               '(点按或鼠标悬停查看提取结果)</div>')


def locate(text: str, start: Any, end: Any, snippet: Any) -> tuple[int, int] | None:
    """Where an extracted item sits in `text`: its stored offsets when they hold the snippet,
    else the snippet's first occurrence, else None."""
    n = len(text)
    try:
        s, e = int(start), int(end)
    except (TypeError, ValueError):
        s = e = -1
    snippet = "" if snippet is None or (isinstance(snippet, float) and pd.isna(snippet)) else str(snippet)
    if 0 <= s < e <= n and (not snippet or text[s:e] == snippet or snippet in text[max(0, s - 2):e + 2]):
        return s, e
    if snippet:
        i = text.find(snippet)
        if i >= 0:
            return i, i + len(snippet)
    return None


def highlight_html(text: str, spans: Iterable[tuple[int, int, str, str]],
                   marks: Iterable[tuple[int, str]] = (), anchor: int | None = None) -> str:
    """Report text as HTML: every piece of text is escaped first, then wrapped in <mark> for
    the spans (start, end, kind, label) covering it; `marks` (offset, label) put a small
    badge at an offset (section starts). Overlapping spans are handled piecewise."""
    n = len(text)
    spans = [(s, e, k, l) for s, e, k, l in spans if 0 <= s < e <= n]
    badges: dict[int, list[str]] = {}
    for off, label in marks:
        if 0 <= off <= n:
            badges.setdefault(off, []).append(label)
    if anchor is not None and not 0 <= anchor <= n:
        anchor = None
    bounds = sorted({0, n, *(s for s, *_ in spans), *(e for _, e, *_ in spans), *badges,
                     *([anchor] if anchor is not None else [])})
    out = []
    for a, b in zip(bounds, bounds[1:] + [None]):
        for label in badges.get(a, []):
            out.append(f'<span class="zj-sec">{esc(label)}</span>')
        if a == anchor:
            out.append('<span id="zj-target" class="zj-target"></span>')
        if b is None:
            break
        piece = esc(text[a:b])
        active = [(k, l) for s, e, k, l in spans if s <= a and e >= b]
        if active:
            kinds = "-".join(sorted({k for k, _ in active}))
            title = esc(" | ".join(dict.fromkeys(l for _, l in active)))
            # tabindex: a tap (phone) focuses the mark and the stylesheet shows the title
            piece = f'<mark class="zj-{kinds}" title="{title}" tabindex="0">{piece}</mark>'
        out.append(piece)
    return f'<div class="zj-reader">{"".join(out)}</div>'


# Fixed code (no data in it): scrolls the reader - the page and its inner scroll box - to
# the sentence a link asked for (#zj-target, put there by highlight_html).
SCROLL_TO_TARGET = """<script>
(function(){let n=0;const t=setInterval(()=>{const el=document.getElementById('zj-target');
if(el){clearInterval(t);(el.nextElementSibling||el).scrollIntoView({block:'center'});}
if(++n>50)clearInterval(t);},100);})();
</script>"""


def kwic_html(df: pd.DataFrame) -> str:
    rows = "".join(
        f'<tr><td class="l">{esc(r.left)}</td><td class="t"><b>{esc(r.term)}</b></td>'
        f'<td class="r">{esc(r.right)}</td><td>{esc(r.unit or "")} {esc("" if pd.isna(r.year) else int(r.year))}</td></tr>'
        for r in df.itertuples())
    return f'<div style="overflow-x:auto"><table class="zj-kwic">{rows}</table></div>'


def _metric_label(m) -> str:
    if m.placeholder or pd.isna(m.value):
        val = "占位(无具体数字)"
    else:
        val = ("约" if m.approx else "") + fmt_num(m.value) + (m.measure or "")
    return f"指标·{m.category or '未分类'}:{m.phrase or ''} = {val}"


def _shortcoming_label(s) -> str:
    trig = "、".join(s.triggers) if s.triggers is not None and len(s.triggers) else ""
    return f"问题·{s.category or '未分类'}" + (f"(触发词:{trig})" if trig else "")


def report_spans(text: str, mets: pd.DataFrame, shorts: pd.DataFrame) -> tuple[list, int]:
    """The reader's highlight spans (start, end, kind, label) for a report's metrics and
    shortcomings (items marked wrong left out), and how many could not be found in `text`."""
    spans, lost = [], 0
    for kind, items, label in (("metric", mets, _metric_label), ("shortcoming", shorts, _shortcoming_label)):
        for item in items.itertuples():
            if item.wrong:
                continue
            where = locate(text, item.char_start, item.char_end, item.text)
            if where is None:
                lost += 1
                continue
            spans.append((*where, kind, label(item)))
    return spans, lost
