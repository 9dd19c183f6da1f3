"""A brief for the meeting: for the current filter (or one unit), a .docx or an A4 PDF with
a cover line, the key figures, the main charts as images, the coverage gaps, the
recurring shortcomings with example sentences, the suspected copies (查重) and the check
scores (考核) with the units to follow up first - from the same query functions the 查重
and 考核 pages call, so the paper and the screen give the same numbers. `python -m pipeline brief … --out FILE` and
the dashboard's 生成简报 button both call `brief_bytes`.

Charts are drawn with matplotlib (pure Python wheels, no browser; plotly's static export
needs kaleido, which downloads a Chromium). The PDF is written by fpdf2 with the CJK font
embedded as a subset, so it prints the same on any machine; the .docx names the font and
leaves it to Word, as Office documents do.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.queries import query as q
from pipeline.queries.labels import describe, fmt_num, year_label
from pipeline.outputs.workbook import coverage_matrix

FONT_CANDIDATES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                   "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                   "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
DOCX_FONT = "Microsoft YaHei"
TITLE = "意识形态工作总结简报"
EXAMPLES = 2            # example sentences per recurring shortcoming category
TOP_CATEGORIES = 8
MAX_GAP_UNITS = 20
TOP_COPIES = 10         # suspected copies listed (highest 总复制比 first)
TOP_SCORES = 15         # unit-years in the score table (lowest score first)
FOLLOW_UP = 5           # units to follow up first, with their deductions


class BriefError(RuntimeError):
    """Something the brief cannot do here (no CJK font for the PDF); the message is Chinese."""


def cjk_font() -> str | None:
    """A CJK font file (the Debian package scripts/install_system_deps.sh installs), or None."""
    return next((p for p in FONT_CANDIDATES if Path(p).exists()), None)


@dataclass
class Brief:
    scope: str
    generated: str
    figures: list[tuple[str, str]]
    metric_table: pd.DataFrame
    measure: str
    charts: list[tuple[str, bytes]] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    gap_note: str = ""
    shortcomings: list[tuple[str, str, list[str]]] = field(default_factory=list)
    recurring: list[str] = field(default_factory=list)
    copy_note: str = ""
    copies: list[str] = field(default_factory=list)
    check_note: str = ""
    check_rules: pd.DataFrame = field(default_factory=pd.DataFrame)
    check_scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    follow_up: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- charts
def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    font = cjk_font()
    rc = {"text.parse_math": False, "axes.spines.top": False, "axes.spines.right": False}
    if font:
        font_manager.fontManager.addfont(font)
        rc["font.family"] = font_manager.FontProperties(fname=font).get_name()
    return plt, rc


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    return buf.getvalue()


def _bar_chart(labels: list[str], values: list[float], title: str, ylabel: str, horizontal: bool = False) -> bytes:
    """One bar chart; count axes tick at whole numbers only."""
    plt, rc = _plt()
    from matplotlib.ticker import MaxNLocator

    with plt.rc_context(rc):
        h = max(2.6, 0.32 * len(labels) + 1) if horizontal else 3.0
        fig, ax = plt.subplots(figsize=(6.4, h))
        try:
            if horizontal:
                ax.barh(labels[::-1], values[::-1], color="#4E79A7")
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
                ax.set_xlabel(ylabel)
            else:
                ax.bar(labels, values, color="#4E79A7")
                ax.yaxis.set_major_locator(MaxNLocator(integer=True))
                ax.set_ylabel(ylabel)
                for x, v in zip(labels, values):
                    ax.annotate(fmt_num(v), (x, v), ha="center", va="bottom", fontsize=8)
            ax.set_title(title)
            return _png(fig)
        finally:
            plt.close(fig)


# ---------------------------------------------------------------- content
def build(filters: dict | None, db=None) -> Brief:
    """Everything the brief says, from the query layer (no rendering)."""
    ov = q.overview.uncached(filters, db=db).iloc[0]
    n_reports = int(ov.reports)
    years = "–" if pd.isna(ov.year_first) else (f"{int(ov.year_first)}–{int(ov.year_last)}年"
                                                if ov.year_first != ov.year_last else f"{int(ov.year_first)}年")
    shorts = q.shortcomings.uncached(filters, db=db)
    measures = q.metric_measures.uncached(filters, db=db)
    n_metrics = int(measures["mentions"].sum()) if len(measures) else 0
    figures = [("报告", f"{n_reports:,} 篇"), ("单位", f"{int(ov.units):,} 个"), ("年度", years),
               ("活动指标", f"{n_metrics:,} 条"), ("存在问题表述", f"{len(shorts):,} 条")]
    b = Brief(scope=describe(filters, full=True), generated=dt.date.today().isoformat(), figures=figures,
              metric_table=pd.DataFrame(), measure="")
    if n_reports == 0:
        return b

    # key figures per activity category, in the most used counting unit (次 …)
    if len(measures):
        b.measure = str(measures.iloc[0]["measure"])
        tot = q.metric_totals.uncached(filters, ("year",), b.measure, db=db)
        per = tot.groupby("category")[["mentions", "exact_sum", "approx_sum", "placeholders"]].sum()
        per = per.sort_values(["mentions", "exact_sum"], ascending=False).head(TOP_CATEGORIES)
        b.metric_table = pd.DataFrame({
            "类别": per.index, "提及条数": per["mentions"].map(fmt_num).to_list(),
            f"精确合计({b.measure or '无单位'})": per["exact_sum"].map(fmt_num).to_list(),
            f"约数合计({b.measure or '无单位'})": per["approx_sum"].map(fmt_num).to_list()})

    # charts
    cov = q.coverage.uncached(filters, db=db)
    by_year = cov.groupby(cov["year"].map(year_label))["reports"].sum()
    b.charts.append(("每年报告数", _bar_chart(list(by_year.index), by_year.to_list(), "每年报告数", "报告数")))
    freq = q.shortcoming_freq.uncached(filters, db=db)
    if len(freq):
        per_cat = freq.groupby("category")["statements"].sum().sort_values(ascending=False).head(12)
        b.charts.append(("存在问题:各类别表述条数", _bar_chart(
            list(per_cat.index), per_cat.to_list(), "存在问题:各类别表述条数", "表述条数", horizontal=True)))
    if len(measures):
        all_tot = q.metric_totals.uncached(filters, ("year",), None, db=db)
        per_cat = all_tot.groupby("category")["mentions"].sum().sort_values(ascending=False).head(12)
        b.charts.append(("活动指标:各类别提及条数", _bar_chart(
            list(per_cat.index), per_cat.to_list(), "活动指标:各类别提及条数(不同计量单位不相加)", "提及条数",
            horizontal=True)))

    # coverage gaps: a unit with no report in a year of the range
    m = coverage_matrix(cov)
    ycols = [c for c in m.columns if c.isdigit()]
    named = m[m["单位"] != "(未识别单位)"]
    gaps = []
    for row in named.to_dict("records"):
        miss = [y for y in ycols if int(row[y]) == 0]
        if miss:
            gaps.append((len(miss), row["单位"], miss))
    gaps.sort(key=lambda g: (-g[0], g[1]))
    b.gaps = [f"{unit}:缺 {'、'.join(miss)} 年" for _, unit, miss in gaps[:MAX_GAP_UNITS]]
    b.gap_note = (f"{len(named)} 个署名单位中 {len(gaps)} 个在 {ycols[0]}–{ycols[-1]} 年间有年份缺报告"
                  if ycols and len(ycols) > 1 else "只有一个年度,不计缺口") + \
                 (f"(列出缺得最多的 {MAX_GAP_UNITS} 个)" if len(gaps) > MAX_GAP_UNITS else "") + "。"
    qual = dict(zip(*q.quality.uncached(filters, db=db)[["check", "count"]].T.values))
    extra = [f"{int(qual[k])} 篇{t}" for k, t in (("no_unit", "没有识别出单位"), ("no_year", "没有识别出年份"))
             if int(qual.get(k, 0))]
    if extra:
        b.gap_note += "另有 " + "、".join(extra) + "。"

    # recurring shortcomings: the categories most units share, with example sentences
    shared = q.shared_categories.uncached(filters, db=db).head(TOP_CATEGORIES)
    for r in shared.itertuples():
        ex = shorts[shorts["category"] == r.category].drop_duplicates("statement").head(EXAMPLES)
        sentences = [f"{u or '(未识别单位)'}{'' if pd.isna(y) else f'({int(y)}年)'}:{s[:150]}"
                     for u, y, s in zip(ex["unit"], ex["year"], ex["statement"])]
        b.shortcomings.append((r.category, f"{int(r.n_units)} 个单位、{int(r.statements)} 条表述", sentences))
    rec = q.recurring.uncached(filters, 2, db=db).head(15)
    b.recurring = [f"{r.unit}:{r.category}({r.years} 年)" for r in rec.itertuples()]
    _copies(b, filters, db)
    _checks(b, filters, db)
    return b


def _year_txt(y) -> str:
    return "年份不详" if y is None or pd.isna(y) else f"{int(y)}年"


def _txt(v, default: str) -> str:
    return default if v is None or (not isinstance(v, str) and pd.isna(v)) or v == "" else str(v)


def _copies(b: Brief, filters: dict | None, db) -> None:
    """查重: the reports with the highest 总复制比 (the 查重 page's ranking), each with its
    main source's kind and unit, and its red flags."""
    from pipeline.store.copies import rules as copy_rules

    rank = q.copy_ranking.uncached(filters, db=db)
    if rank.empty:
        b.copy_note = "当前筛选下还没有查重结果(查重在导入报告时计算)。"
        return
    high = float(copy_rules()["flag"]["high_share"])
    n_high = int((rank["share"] >= high).sum())
    n_flag = int((rank["flags"] != "").sum())
    b.copy_note = (f"{len(rank):,} 篇报告中,总复制比 ≥ {high:.0%} 的 {n_high} 篇,有红旗的 {n_flag} 篇,"
                   f"平均总复制比 {rank['share'].mean():.1%}。总复制比:报告中能在其他报告或范文模板中"
                   "找到的文字所占比例(规范提法不计入)。")
    top = rank[(rank["share"] > 0) | (rank["flags"] != "")].head(TOP_COPIES)
    for r in top.itertuples():
        src = ""
        if _txt(r.kind, ""):
            src = f",主要来源:{r.kind}"
            if _txt(r.source_unit, ""):
                src += f"({r.source_unit} {_year_txt(r.source_year)},占 {r.source_share:.0%})"
        flags = f";红旗:{r.flags}" if r.flags else ""
        b.copies.append(f"{_txt(r.unit, '(未识别单位)')}({_year_txt(r.year)})《{_txt(r.title, '无标题')[:40]}》:"
                        f"总复制比 {r.share:.0%}{src}{flags}")


def _checks(b: Brief, filters: dict | None, db) -> None:
    """考核: the verdicts and scores of the 考核 page (pipeline/checks.py, the rules in
    force): pass counts per rule, the lowest scores, the units to follow up first."""
    from pipeline.queries import checks

    try:
        data = checks.load_rules()
    except Exception as exc:          # a broken user copy of the rules: say so, keep the brief
        b.check_note = f"考核规则文件有误,未计算:{exc}"
        return
    v = checks.check_verdicts.uncached(filters, checks.to_json(data), "unit", db=db)
    if v.empty:
        b.check_note = "当前筛选下没有可考核的报告(需识别出单位和年度)。"
        return
    v = v.assign(year=v["year"].astype(int))
    sc = checks.scores(v, data["full_score"])
    counts = {k: int((v["verdict"] == k).sum()) for k in checks.VERDICTS}
    b.check_note = (f"{sc['unit'].nunique()} 个单位、{len(sc)} 个单位年度,平均得分 {sc['score'].mean():.1f}"
                    f"(满分 {data['full_score']:g});达标 {counts['达标']} 项、未达标 {counts['未达标']} 项、"
                    f"未提及 {counts['未提及']} 项。未提及指报告对此只字未提,不等于没有做,需核实。")
    names = [r["name"] for r in data["rule"]]
    per = (v.pivot_table(index="rule", columns="verdict", values="unit", aggfunc="count")
           .reindex(index=[n for n in names if n in set(v["rule"])], columns=list(checks.VERDICTS)).fillna(0)
           .astype(int))
    b.check_rules = pd.DataFrame({"考核项": per.index, **{k: per[k].to_list() for k in checks.VERDICTS}})
    low = sc.head(TOP_SCORES)
    b.check_scores = pd.DataFrame({
        "单位": low["unit"].to_list(), "年度": low["year"].astype(int).astype(str).to_list(),
        "得分": low["score"].map(lambda x: f"{x:g}").to_list(), "达标": low["n_pass"].to_list(),
        "未达标": low["n_fail"].to_list(), "未提及": low["n_silent"].to_list()})
    b.follow_up = [f"{r.unit}({int(r.year)}年,{r.score:g} 分):{r.deductions or '无扣分'}"
                   for r in sc.head(FOLLOW_UP).itertuples()]


# ---------------------------------------------------------------- .docx
def render_docx(b: Brief) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)          # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(2.2))
    for style in ("Normal", "Heading 1", "Heading 2", "Title"):
        st = doc.styles[style]
        st.font.name = DOCX_FONT
        st.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_FONT)
    doc.styles["Normal"].font.size = Pt(10.5)

    # page numbers: 第 N 页 in the footer (a PAGE field Word fills in)
    p = sec.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("第 ")
    run = p.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    p.add_run(" 页")

    doc.add_heading(TITLE, level=0)
    doc.add_paragraph(f"范围:{b.scope}    生成日期:{b.generated}")

    doc.add_heading("一、主要数字", level=1)
    doc.add_paragraph(";".join(f"{k} {v}" for k, v in b.figures) + "。")
    if len(b.metric_table):
        doc.add_paragraph(f"各类活动(计量单位“{b.measure or '无单位'}”,约数单列,不并入精确合计):")
        _docx_table(doc, b.metric_table)

    if b.charts:
        doc.add_heading("二、图表", level=1)
        for title, png in b.charts:
            doc.add_picture(io.BytesIO(png), width=Cm(15))
            doc.add_paragraph(title).alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading("三、覆盖缺口", level=1)
    doc.add_paragraph(b.gap_note or "当前筛选下没有报告。")
    for g in b.gaps:
        doc.add_paragraph(g, style="List Bullet")

    doc.add_heading("四、反复出现的问题", level=1)
    if not b.shortcomings:
        doc.add_paragraph("当前筛选下没有提取出“存在问题”表述。")
    for cat, count, sentences in b.shortcomings:
        doc.add_heading(f"{cat}({count})", level=2)
        for s in sentences:
            doc.add_paragraph(s, style="List Bullet")
    if b.recurring:
        doc.add_paragraph("同一单位在两个及以上年度提到的问题:")
        for s in b.recurring:
            doc.add_paragraph(s, style="List Bullet")

    doc.add_heading("五、查重:疑似复制", level=1)
    doc.add_paragraph(b.copy_note or "当前筛选下没有报告。")
    if b.copies:
        doc.add_paragraph(f"总复制比最高或有红旗的 {len(b.copies)} 篇:")
    for s in b.copies:
        doc.add_paragraph(s, style="List Bullet")

    doc.add_heading("六、考核", level=1)
    doc.add_paragraph(b.check_note or "当前筛选下没有报告。")
    if len(b.check_rules):
        doc.add_paragraph("各考核项的结论(单位年度数):")
        _docx_table(doc, b.check_rules)
    if len(b.check_scores):
        doc.add_paragraph(f"得分最低的 {len(b.check_scores)} 个单位年度:")
        _docx_table(doc, b.check_scores)
    if b.follow_up:
        doc.add_paragraph("优先跟进(得分最低,扣分明细):")
        for s in b.follow_up:
            doc.add_paragraph(s, style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _docx_table(doc, df: pd.DataFrame) -> None:
    t = doc.add_table(rows=1, cols=len(df.columns))
    t.style = "Table Grid"
    for cell, name in zip(t.rows[0].cells, df.columns):
        cell.text = str(name)
    for row in df.itertuples(index=False):
        for cell, v in zip(t.add_row().cells, row):
            cell.text = str(v)


# ---------------------------------------------------------------- PDF
def render_pdf(b: Brief) -> bytes:
    from fpdf import FPDF

    font = cjk_font()
    if not font:
        raise BriefError("未找到中文字体,无法生成 PDF。请安装 fonts-wqy-microhei(scripts/install_system_deps.sh)。")

    class Doc(FPDF):
        def footer(self):
            self.set_y(-14)
            self.set_font("cjk", size=9)
            self.cell(0, 8, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")

    pdf = Doc(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(TITLE)
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("cjk", fname=font)
    pdf.add_font("cjk", style="B", fname=font)     # table headings ask for bold: the same face
    pdf.add_page()
    w = pdf.epw

    def heading(text: str, size: int = 14) -> None:
        pdf.ln(3)
        pdf.set_font("cjk", size=size)
        pdf.multi_cell(w, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        pdf.set_font("cjk", size=10.5)

    def para(text: str, bullet: bool = False) -> None:
        pdf.set_font("cjk", size=10.5)
        pdf.multi_cell(w, 6, ("• " if bullet else "") + text, new_x="LMARGIN", new_y="NEXT")

    pdf.set_font("cjk", size=20)
    pdf.multi_cell(w, 11, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(w, 7, f"范围:{b.scope}    生成日期:{b.generated}", align="C", new_x="LMARGIN", new_y="NEXT")

    heading("一、主要数字")
    para(";".join(f"{k} {v}" for k, v in b.figures) + "。")
    if len(b.metric_table):
        para(f"各类活动(计量单位“{b.measure or '无单位'}”,约数单列,不并入精确合计):")
        pdf.set_font("cjk", size=9.5)
        with pdf.table(col_widths=(40, 18, 21, 21), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
                       line_height=6) as t:
            for row in [list(b.metric_table.columns), *b.metric_table.astype(str).values.tolist()]:
                r = t.row()
                for v in row:
                    r.cell(str(v))
    if b.charts:
        heading("二、图表")
        for title, png in b.charts:
            from PIL import Image

            with Image.open(io.BytesIO(png)) as im:
                h = w * 0.85 * im.height / im.width
            if pdf.get_y() + h > pdf.page_break_trigger:
                pdf.add_page()
            pdf.image(io.BytesIO(png), x=pdf.l_margin + w * 0.075, w=w * 0.85)
            pdf.ln(2)
    heading("三、覆盖缺口")
    para(b.gap_note or "当前筛选下没有报告。")
    for g in b.gaps:
        para(g, bullet=True)
    heading("四、反复出现的问题")
    if not b.shortcomings:
        para("当前筛选下没有提取出“存在问题”表述。")
    for cat, count, sentences in b.shortcomings:
        heading(f"{cat}({count})", size=12)
        for s in sentences:
            para(s, bullet=True)
    if b.recurring:
        para("同一单位在两个及以上年度提到的问题:")
        for s in b.recurring:
            para(s, bullet=True)

    def table(df: pd.DataFrame, widths: tuple, align: tuple) -> None:
        pdf.set_font("cjk", size=9.5)
        with pdf.table(col_widths=widths, text_align=align, line_height=6) as t:
            for row in [list(df.columns), *df.astype(str).values.tolist()]:
                r = t.row()
                for v in row:
                    r.cell(str(v))
        pdf.ln(2)

    heading("五、查重:疑似复制")
    para(b.copy_note or "当前筛选下没有报告。")
    if b.copies:
        para(f"总复制比最高或有红旗的 {len(b.copies)} 篇:")
    for s in b.copies:
        para(s, bullet=True)
    heading("六、考核")
    para(b.check_note or "当前筛选下没有报告。")
    if len(b.check_rules):
        para("各考核项的结论(单位年度数):")
        table(b.check_rules, (52, 16, 16, 16), ("LEFT", "RIGHT", "RIGHT", "RIGHT"))
    if len(b.check_scores):
        para(f"得分最低的 {len(b.check_scores)} 个单位年度:")
        table(b.check_scores, (40, 12, 12, 12, 12, 12), ("LEFT", "CENTER", "RIGHT", "RIGHT", "RIGHT", "RIGHT"))
    if b.follow_up:
        para("优先跟进(得分最低,扣分明细):")
        for s in b.follow_up:
            para(s, bullet=True)
    return bytes(pdf.output())


# ---------------------------------------------------------------- entry points
def brief_bytes(filters: dict | None, fmt: str = "docx", db=None) -> bytes:
    """The brief of `filters` as .docx or .pdf bytes."""
    b = build(filters, db)
    if fmt == "pdf":
        return render_pdf(b)
    if fmt == "docx":
        return render_docx(b)
    raise ValueError(f"简报格式只能是 docx 或 pdf,不是 {fmt!r}")


def write_brief(filters: dict | None, out: str | Path, db=None) -> Path:
    out = Path(out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("docx", "pdf"):
        raise BriefError(f"输出文件须以 .docx 或 .pdf 结尾:{out.name}")
    out.write_bytes(brief_bytes(filters, fmt, db))
    return out
