"""Gold-scored accuracy on REAL web pages, the text the product meets in the field.

Ten sets, scored separately (issue 11):
- `fixtures/real_openings/` (gold `gold_real_openings.jsonl`): the 40 shared page openings of
  `../shared/corpus/real-openings/`, copied byte for byte; the development set.
- `fixtures/real_collected/` (gold `gold_real_collected.jsonl`): 130 page openings collected
  in session 3 from public pages (a01-a35, b01-b35, c01-c30, d01-d30; each label carries its
  `url`), labelled blind, before the pipeline ever ran on them, and 19 more in session 4
  (e01-e19). The c-, d- and e-pages were collected after the rules had been tuned on what
  came before and scored first as held-out sets; see the figures below.
- `fixtures/real_f/` (gold `gold_real_f.jsonl`): 25 page openings collected and labelled
  blind in session 9 by a helper that never read the pipeline (f01-f13 of the genre, f14-f25
  neighbouring genres); scored first before any rule was written for them.
- `fixtures/real_g/` (gold `gold_real_g.jsonl`): 25 more, collected and labelled the same way
  by another helper once set f's rules were in (13 of the genre, 2 close, 10 neighbouring).
- `fixtures/real_h/` and `fixtures/real_i/` (gold `gold_real_h.jsonl`, `gold_real_i.jsonl`):
  25 and 22 more (session 10), collected and labelled blind by two helpers at the same time;
  h aimed at first-person reports of the genre, i at awkward formats (document sites,
  placeholders, traditional script, 中心组 reports). Both scored first, then general rules.
- `fixtures/real_j/` and `fixtures/real_k/`: 22 + 22 more (session 10, later), the same way:
  j the genre by new query angles (述职, 巡察整改, 外宣, 网信, 文明办), k count-rich pages
  (publicity, 宣讲, 文明实践, 舆情, 中心组) and traditional script.
- `fixtures/real_l/` and `fixtures/real_m/`: 23 + 21 more (session 10, last): l pages whose
  unit is not the title's first words (body, signature, by-line, file name), m count-rich pages.

Each figure is asserted against a floor a little under what the pipeline measures now, so a
change that makes real pages worse fails here; the issue's targets are asserted as well
(both sets meet every one since session 4).
Figures are this project's scorer (`tests/scoring.py`), which agrees with the shared
`../shared/tools/score.py` on these sets.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import ingest_and_export
from .scoring import score

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# the targets for real pages
TARGETS = {"year_acc": 0.95, "unit_loose": 0.9, "unit_type_acc": 0.9, "metrics_P": 0.92, "metrics_R": 0.9,
           "shortcomings_P": 0.9, "shortcomings_R": 0.85}

# Measured (session 3, `tests/scoring.py`), first score at the start of the session -> now:
# real_openings  year 0.955->0.955 unit_loose 0.50->0.875 unit_type 0.60->1.0 metrics_P 0.862->1.0
#                metrics_R 0.962->0.962 shortcomings_P 0.667->1.0 shortcomings_R 0.20->1.0, extra 2->0
# real_collected (a+b, 70 pages; first scores with the session-start code)
#                unit_loose 0.5/0.58->0.875 unit_type 0.63/0.49->0.83 metrics_P 0.69/0.74->0.99
#                shortcomings_P 0.41/1.0->0.91 shortcomings_R 0.47/0.38->0.91
# c (31 reports), first score before any rule was tuned on it: year 0.50 (5 labels took the
#                publish date; relabelled, see the notes) unit_loose 0.50 unit_type 0.61
#                metrics_P 0.835 metrics_R 0.892 shortcomings_P 0.57 shortcomings_R 0.40
# d (30 reports), first score before any rule was tuned on it (session-start code in brackets):
#                year 0.94 (0.94) unit_loose 0.50 (0.33) unit_type 0.57 (0.47) metrics_P 0.71 (0.68)
#                metrics_R 1.0 placeholders 0.23 shortcomings_P 1.0 shortcomings_R 0.69
# all 130 (a-d) at session 3's end: year 0.955 unit_loose 0.857 unit_type 0.863 metrics_P 0.944
#                metrics_R 0.989 placeholders 0.87 shortcomings_P 0.957 shortcomings_R 0.957, extra 2
# e (19 reports, session 4), first score before any rule was tuned on it: year 0.857
#                unit_loose 0.769 unit_type 0.895 period 0.929 metrics_P 0.829 metrics_R 0.895
#                (after fixing a convention slip in its own labels: e19's 万 values) placeholders 1.0
# session 4 end (`tests/scoring.py`): real_openings year 0.955 unit_loose 1.0 unit_type 1.0
#                metrics 1.0/0.962 shortcomings 1.0/1.0, extra 0;
#                real_collected (a-e, 150) year 0.951 unit_loose 0.909 unit_type 0.953
#                metrics 0.953/0.978 placeholders 0.889 shortcomings 0.957/0.957, extra 0
# session 7: real_openings year 0.955 -> 1.0 (a work meeting's report is the year it reviews),
#                metrics_R 0.962 -> 0.981 (万余册); real_collected unchanged
# session 8: real_collected unit_loose 0.909 -> 0.927 (the space ending an inline heading is
#                a line break: e05); real_openings unchanged
def _floors(year: float, unit: float, type: float, metrics: tuple[float, float],
            problems: tuple[float, float] = (0.0, 0.0), found: float = 0.99) -> dict:
    """A set's floors, by the shared scorer's names: (precision, recall) for the counts and the
    problems; a set with no labelled problems has none to hold (0.0)."""
    return {"year_acc": year, "unit_loose": unit, "unit_type_acc": type, "metrics_P": metrics[0],
            "metrics_R": metrics[1], "shortcomings_P": problems[0], "shortcomings_R": problems[1],
            "reports_found": found}


FLOORS = {
    "real_openings": _floors(year=0.97, unit=0.97, type=0.97, metrics=(0.97, 0.97), problems=(0.95, 0.95), found=1.0),
    "real_collected": _floors(year=0.955, unit=0.92, type=0.93, metrics=(0.94, 0.96), problems=(0.93, 0.93)),
    # set f (session 9): 25 pages, 26 reports, labelled blind by a helper that never saw the
    # pipeline. First score (session-8 code): year 0.643 unit_loose 0.889 unit_type 0.692
    # period 0.722 metrics 0.657/0.793 shortcomings 0.25/0.50, 2 pages lost whole (the 文档简介
    # pattern's \s ran over the line break) and 1 extra report (a document site's notices).
    # After general rules: year 0.857 unit_loose 1.0 unit_type 0.923 period 0.889 metrics
    # 1.0/1.0 shortcomings 1.0/0.5. What is left is mostly disputed labels (README).
    "real_f": _floors(year=0.9, unit=0.95, type=0.9, metrics=(0.95, 0.95), problems=(0.9, 0.95)),  # sh. R 1.0 (session 13)
    # set g (session 9): 25 pages, labelled blind by another helper after set f's rules. First
    # score: year 1.0 unit_loose 0.875 unit_type 0.76 period 0.941 metrics 0.654/0.944
    # shortcomings 1.0/0.1 (9 of 10 labelled are a 风险隐患 report's risks, which we do not
    # count); after general rules: unit_type 0.80, metrics 0.897/0.972.
    # Session 11: a heading that says risks exist (存在的风险及隐患) heads a problems list, and
    # three more general rules for problems on pages that lost their line breaks (a numbered
    # heading run into its items, 问题…主要有以下几个方面:, a long heading after a site's cut):
    # shortcomings_R g 0.1 -> 1.0, i 0.0 -> 1.0, k 0.417 -> 0.75.
    "real_g": _floors(year=0.95, unit=0.95, type=0.8, metrics=(0.86, 0.93), problems=(0.9, 0.95)),
    # set h (session 10): 25 pages, blind; first score (with set i's first rules in, none of
    # h's): year 0.882 unit_loose 0.818 unit_type 0.88 period 0.947 metrics 0.863/1.0
    # shortcomings 1.0/0.75; after general rules: year 0.941 (the year a report announces,
    # 我对2011年度工作情况…作如下报告) unit_loose 1.0 unit_type 0.92 metrics 0.958/1.0
    "real_h": _floors(year=0.9, unit=0.95, type=0.88, metrics=(0.93, 0.95), problems=(0.9, 0.7)),
    # set i (session 10): 22 pages, blind; first score (session-start code): year 0.929
    # unit_loose 0.25 (junk names: 组织县委理论学习中心组集中学, XX年, a site's accessibility bar)
    # unit_type 0.864 period 0.875 metrics 0.786/1.0; after general rules: unit_loose 0.625
    # unit_type 0.909 metrics 0.892/1.0. Its one labelled shortcoming is cut off by the excerpt.
    "real_i": _floors(year=0.9, unit=0.85, type=0.88, metrics=(0.87, 0.95), problems=(0.9, 0.95)),
    # sets j and k (session 10, later): 22 + 22 pages, blind, by two more helpers. First scores
    # (all of the session's h and i rules in): j year 0.889 unit_loose 0.455 unit_type 0.909
    # metrics 0.78/0.979; k year 0.889 unit_loose 0.5 unit_type 0.818 metrics 0.967/0.951
    # shortcomings 1.0/0.417. After general rules: j unit_loose 0.545 metrics 0.92/0.979;
    # k unit_loose 0.625 metrics 0.983/0.951. Then 县委宣传部 opening a clause (g22, i14) and an
    # organ of an unnamed level (县委外宣办, j11): g unit_loose 1.0, i 0.75, j 0.636.
    "real_j": _floors(year=0.85, unit=0.77, type=0.86, metrics=(0.88, 0.95), problems=(0.9, 0.9)),
    "real_k": _floors(year=0.85, unit=0.7, type=0.82, metrics=(0.95, 0.92), problems=(0.9, 0.95)),  # s14: type 0.864, shortcomings R 1.0
    # sets l and m (session 10, last): 23 + 21 pages, blind. l: pages whose unit is not the
    # title's first words; m: count-rich pages. First scores: m (every rule before it in) year
    # 0.769 unit_loose 0.636 unit_type 0.857 metrics 0.80/0.96 shortcomings 0.75/0.75; l (set m's
    # first rules in too) year 1.0 unit_loose 0.611 unit_type 0.783 metrics 0.833/0.968. After
    # general rules: m unit_loose 0.818 metrics_P 0.849; l unit_loose 0.778 unit_type 0.87
    # metrics_P 0.845. Then an area named for itself (含山县 under 我县, 双桥区 as the subject):
    # j unit_loose 0.727, l 0.833, m 0.909. Session 11: a placed name opening clauses in two
    # sentences and named in the first lines (`_repeated_subject_unit`), and 电业局 a firm:
    # j unit_loose 0.818, l 0.889.
    "real_l": _floors(year=0.95, unit=0.9, type=0.82, metrics=(0.8, 0.93), problems=(0.9, 0.0)),
    "real_m": _floors(year=0.72, unit=0.95, type=0.9, metrics=(0.82, 0.93), problems=(0.7, 0.7)),  # type 0.952 (s13)
    # sets n and o (session 11): 21 + 21 pages, blind, by two more helpers (n: schools,
    # hospitals, firms, banks, courts; o: towns, counties and their departments, news and
    # gov.cn pages). First scores, with every rule before them in: n year 0.688 unit_loose 0.5
    # unit_type 0.952 metrics 0.906/0.956; o year 0.5 unit_loose 0.273 unit_type 0.714
    # metrics 0.863/0.957 shortcomings 0.0/0.0. After general rules (junk names dropped and
    # the next path tried, 镇团委 a mass organisation, <unit>对外宣传工作在… a subject): n unit_loose
    # 0.643, o 0.364, o type 0.81; a meeting's report is the year it reviews also when the
    # year comes from the body (召开2022年度…会…回顾总结了2021年…): n year 0.812. Not counts: a
    # range (1至2次), one of a field (8所高校之一), 一批: metrics_P n 0.916, o 0.898. A problems
    # heading running on into its text ends with its words (二、存在问题针对…): o shortcomings 1.0/1.0.
    # A named subject of a sentence opening with its year, past an essay-like opening, beats the
    # generic form of a self-reference (20xx学年度,滨河小学对外宣传工作在…), and a post is no unit
    # (区委常委): unit_loose k 0.625 -> 0.75, l 0.889 -> 0.944, o 0.364 -> 0.455.
    "real_n": _floors(year=0.78, unit=0.69, type=0.9, metrics=(0.92, 0.93)),
    "real_o": _floors(year=0.65, unit=0.7, type=0.8, metrics=(0.88, 0.93), problems=(0.9, 0.9)),  # s13: 0.7 / 0.727 / 0.857
    # sets p and q (session 11, last): 21 + 20 pages, blind, by two more helpers (p: problems
    # parts, older years, masked templates; q: 2021-2025, half-years, quarters, 研判 and 综述
    # pages). First scores, every rule above in: p year 0.667 unit_loose 0.6 unit_type 0.81
    # metrics 0.697/0.767 shortcomings 0.882/0.625, 1 extra report; q year 0.933 unit_loose 0.333
    # unit_type 0.85 metrics 0.851/0.95 shortcomings 0.5/0.571. After general rules (an area
    # reporting on its own work: a 综述's subtitle, a county's short name, a county-like subject
    # of its 宣传…工作; a bare 相关推荐 label is furniture; economic results are no counts):
    # p metrics_P 0.742 and no extra report, q unit_loose 0.583.
    "real_p": _floors(year=0.85, unit=0.55, type=0.78, metrics=(0.7, 0.72), problems=(0.85, 0.6)),
    "real_q": _floors(year=0.95, unit=0.63, type=0.8, metrics=(0.82, 0.92), problems=(0.45, 0.55)),
    # sets r and s (session 11, last): 22 + 21 pages, blind, by two more helpers (r: sector
    # bureaus - 交通, 水利, 市场监管, 林业, 档案 - and colleges; s: 2019-2022 campaign publicity of
    # towns, streets and communities). First scores, every rule above in: r year 0.75
    # unit_loose 0.50 unit_type 0.864 metrics 0.772/0.898 shortcomings 1.0/0.222; s year 0.70
    # unit_loose 0.692 unit_type 0.81 metrics 0.889/0.862 (no shortcomings labelled). After general
    # rules (a speech's title 在…会上的讲话, 宣传工作 ends a title's name, names never opening with
    # 在/有/让 or ending in a post cut short, readers' engagement is no count): r unit_loose 0.562,
    # unit_type 0.909, metrics_P 0.815. Then a province's short name places a name (宁夏银川市…)
    # and a town named by itself as the subject again and again is the unit (五合乡…): r
    # unit_loose 0.625, unit_type 0.955; s unit_loose 0.769. Last, a meeting's report reviewing
    # the year before, said in more ways (…2008年宣传工作会议在郑州召开…对2008年宣传任务进行了部署;
    # 总结回顾去年…研究部署今年): year p 0.667 -> 0.778, r 0.75 -> 0.875, s 0.70 -> 0.80; a title's
    # 半年总结 is a half year: r period 0.833 -> 0.917; the problems marker opening a sentence
    # mid-paragraph (…不断提高。存在的问题:一是…) starts the problems: r shortcomings_R 0.222 -> 0.444.
    "real_r": _floors(year=0.84, unit=0.7, type=0.9, metrics=(0.82, 0.86), problems=(0.9, 0.4)),
    "real_s": _floors(year=0.76, unit=0.95, type=0.85, metrics=(0.85, 0.82)),  # s13: unit 1.0, type 0.905
    # sets t and u (session 12): 21 + 20 pages, blind, by two more helpers (t: 2023-2025 reviews
    # of cities, bureaus, courts, colleges; u: villages, towns, hospitals, courts, firms, a
    # banking association, 2016-2024). First scores, with every rule before them in (and the
    # session's first rules: a unit or an area opening clause after clause, a masked title's
    # year from the page's heading, 2020年以来 opening a report, a title opening with a unit):
    # t year 0.941 unit_loose 0.5 unit_type 0.952 period 0.941 metrics 0.794/1.0 shortcomings
    # -/0.0; u year 0.786 unit_loose 0.786 unit_type 0.95 period 0.857 metrics 0.829/0.872
    # shortcomings -/0.0. After general rules (a list found or pointed out ended by 等问题, the day
    # of a meeting on the year before, a subtitle's dash, 警方, audience figures): t year 1.0
    # unit_loose 0.571 metrics_P 0.818; u year 0.857 unit_loose 0.857 shortcomings 1.0/0.889.
    "real_t": _floors(year=0.95, unit=0.55, type=0.9, metrics=(0.78, 0.95)),
    "real_u": _floors(year=0.95, unit=0.8, type=0.9, metrics=(0.8, 0.84), problems=(0.9, 0.85)),  # s15: year 1.0
    # sets v and w (session 12, later): 21 + 18 pages, blind (v: 2005-2016 reports and campaign
    # pieces of counties, towns, schools; w: 2019-2025 campaign publicity and risk reports of
    # banks, firms, schools, hospitals). First scores, every rule above in: v year 0.875
    # unit_loose 0.429 unit_type 0.857 metrics 0.873/0.849 shortcomings 0.75/0.75; w year 0.933
    # unit_loose 0.583 unit_type 0.944 period 0.75 metrics 0.58/1.0 shortcomings 1.0/0.5. After
    # general rules (近日, before an area's subject; a unit's own site; an area's self-reference
    # giving way to a unit acting again and again; ranks, engagement and fields are no counts):
    # v unit_loose 0.571 type 0.905; w unit_loose 0.833 type 1.0 metrics_P 0.674.
    "real_v": _floors(year=0.84, unit=0.55, type=0.9, metrics=(0.84, 0.8), problems=(0.7, 0.7)),  # s14: type 0.952
    "real_w": _floors(year=0.95, unit=0.8, type=0.95, metrics=(0.64, 0.95), problems=(0.9, 0.45)),  # s15: year 1.0
    # sets x and y (session 12, last): 21 + 20 pages, blind (x: schools and colleges; y: towns,
    # streets, communities, villages). First scores, every rule above in: x year 0.923
    # unit_loose 0.727 type 0.952 period 0.75 metrics 0.618/0.60, 1 extra report; y year 0.75
    # unit_loose 0.643 type 0.65 period 0.60 metrics 0.838/0.966 shortcomings 1.0/0.667. After
    # general rules (the honours a unit gives at its own commendation meeting, ordinals in a list,
    # a title with no body starts no report, a town named once opening a clause, xx年 a blank
    # year): x unit_loose 0.909 metrics 0.744/0.829, no extra report; y unit_loose 0.714 type 0.75.
    "real_x": _floors(year=0.9, unit=0.95, type=0.9, metrics=(0.8, 0.8), problems=(0.95, 0.75)),  # s13: shortcomings 1.0 / 0.8; s14: unit 1.0; s15: metrics P 0.853
    "real_y": _floors(year=0.7, unit=0.68, type=0.7, metrics=(0.8, 0.93), problems=(0.9, 0.6)),
    # sets z and aa (session 13): 22 + 10 pages, blind (z: county and city departments, campaign
    # publicity; aa: mixed units as doc-sharing sites repost them; the pool is nearly used up, so
    # aa stopped at 10 and neither set has a problems part). First scores: aa (at 956b2e2) year 1.0
    # unit_loose 0.667 type 0.9 period 0.875 metrics 0.947/0.818; z (at 1c12206) year 0.75
    # unit_loose 0.789 type 0.864 period 0.727 metrics 0.894/0.95 placeholders 0.667. After general
    # rules (a copula never inside a name, commendations at a meeting named as subject, adverbs of
    # degree and 之际 before a subject, 司法所, a site's clock and a newspaper's edition line, a
    # meeting commending the year before, a forum's jammer strings): z year 0.938 unit_loose 0.895
    # type 0.909 period 0.818; aa type 1.0 metrics 0.95/0.864.
    "real_z": _floors(year=0.95, unit=0.85, type=0.88, metrics=(0.85, 0.9)),  # s15: year 1.0
    "real_aa": _floors(year=0.95, unit=0.6, type=0.95, metrics=(0.9, 0.8)),
    # set ab (session 13, last): 20 pages, blind, half of them with a problems part. First score (at
    # 5267084): year 0.8 unit_loose 0.583 type 0.85 period 1.0 metrics 0.917/0.917 shortcomings
    # 0.484/0.625, 1 extra report. After general rules (no name opens with a verb whose object the
    # unit is, a negated list admits no problem, a sharing site's numbered notices, a cue sentence
    # listing its problems before a numbered series, qualities sharing one lack, where a meeting was
    # held, a name after 于): unit_loose 0.75, metrics 0.957/0.917, shortcomings 0.769/0.833, no extra report.
    "real_ab": _floors(year=0.75, unit=0.8, type=0.8, metrics=(0.9, 0.85), problems=(0.7, 0.75)),  # s14: unit 0.833
    # set ac (session 14): 15 pages, blind: courts, procuratorates, hospitals, firms, a bank, schools,
    # a village (the pool is nearly used up: the helper stopped at 15). First score (at a4999a8, every
    # rule of sessions 1-14 up to then, none written for it): year 0.917 unit_loose 0.615 type 0.867
    # period 0.778 metrics 0.957/0.917. After general rules (a site's byline and section heading, a
    # news headline opening with its unit, 一中 schools, verbs no name opens with on every path,
    # honours received with 受到…表彰): unit_loose 0.846 type 1.0 metrics 1.0/0.917.
    "real_ac": _floors(year=0.9, unit=0.8, type=0.95, metrics=(0.95, 0.85)),
    # set ad (session 14): 12 pages, blind: county departments, towns, health centres, a school (the
    # helper stopped at 12: about 80 % of the addresses it met were taken). First score (at 41c5040):
    # year 0.8 unit_loose 0.625 type 0.833 period 1.0 metrics 0.828/0.96 placeholders 0.833. After
    # general rules (notices numbered twice, 科普 never cut, 我卫生院, a combined title, a speech's
    # by-line, reposts by others, a project's phase, a headline's unit by level and kind): unit_loose
    # 1.0 type 1.0 metrics 0.923/0.96.
    "real_ad": _floors(year=0.95, unit=0.95, type=0.95, metrics=(0.85, 0.9)),  # s15: year 1.0
    # set ae (session 15): 12 pages (13 reports), blind: a procuratorate, departments, a supply
    # cooperative, an archive, a civilisation-practice centre, banks' campaigns, a township (the pool
    # is used up: ~150 of ~190 addresses met were taken; 7 reports are neighbouring genres). First
    # score (at 1a7afda, every rule of sessions 1-15 up to then): year 0.6 unit_loose 0.444 type
    # 0.692 period 0.75 metrics 0.689/0.969. After general rules (a hijacked site's gambling
    # injection, a supply cooperative and a 新时代文明实践中心 are 其他, 2021年以来 opening the first
    # paragraph's second sentence, a collection heading over a page cut in its first part, a unit's
    # periodic report by its title, a religion's population and a library's holdings are no
    # counts): year 1.0 unit_loose 0.556 type 0.923 metrics 0.816/0.969.
    "real_ae": _floors(year=0.95, unit=0.5, type=0.9, metrics=(0.78, 0.93)),
    # set af (session 15, last): 15 pages, blind: an oilfield unit, a coal mine, a tobacco bureau,
    # disease-control centres, a health centre, schools, a community, a village, police, a credit
    # union, a party branch (the unit kinds set ae could not find). First score (at a4ce989, every
    # rule above but the four below): year 1.0 unit_loose 0.6 type 0.8 period 1.0 metrics
    # 0.938/0.938 shortcomings 1.0/1.0. After general rules (a short form shown spelled out when
    # the text spells it out, 联社 and 作业区, 剂次, what a village holds): unit_loose 0.8 type 0.867
    # metrics 0.969/0.969.
    "real_af": _floors(year=0.95, unit=0.75, type=0.85, metrics=(0.9, 0.9), problems=(0.95, 0.95)),
    # set ag (session 15, last): 13 pages, blind: courts' and procuratorates' publicity news, banks,
    # a college, railway groups, a power supplier, an oil plant, a postal bureau. First score (at
    # b9f82ad): year 1.0 unit_loose 0.545 type 0.692 period 1.0 metrics 0.909/0.962 shortcomings
    # -/0.0. After general rules (检察机关 and 审判机关 are 政法; 这个 opens no name; an area's
    # self-reference said once gives way to a named clause subject): unit_loose 0.636 type 0.923.
    "real_ag": _floors(year=0.95, unit=0.6, type=0.85, metrics=(0.85, 0.9)),
}
EXTRA_REPORTS_AT_MOST = 0      # on every set: no site preamble or essay exported as a report
# the targets are asserted on the sets they were set on; set f has floors only (its
# year and shortcoming labels disagree with the shared precedents in places, see README);
# so have sets g to s
TARGET_SETS = ("real_openings", "real_collected")


@pytest.fixture(scope="module", params=sorted(FLOORS))
def real_set(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def real_gold(real_set) -> list[dict]:
    path = FIXTURES / f"gold_{real_set}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def real_export(real_set, tmp_path_factory) -> list[dict]:
    return ingest_and_export(FIXTURES / real_set, tmp_path_factory.mktemp(real_set), workers=2)


@pytest.fixture(scope="module")
def real_figures(real_set, real_gold, real_export):
    f = score(real_gold, real_export, FIXTURES / real_set)
    print(real_set, " ".join(f"{k}={v:.3f}" for k, v in f.items()))
    return f


def test_real_gold_is_consistent(real_set, real_gold):
    """Every labelled string is an exact substring of its page, and every page has a label."""
    files = {p.name for p in (FIXTURES / real_set).glob("*.txt")}
    assert files == {g["file"] for g in real_gold}
    for g in real_gold:
        text = (FIXTURES / real_set / g["file"]).read_text(encoding="utf-8")
        assert g.get("url") or real_set == "real_openings" or g["file"] in ("d06.txt", "d10.txt"), g["file"]
        for s in [m["text"] for m in g["metrics"]] + (g.get("placeholders") or []) + g["shortcomings"]:
            assert s in text, (g["file"], s)


@pytest.mark.parametrize("name", sorted(FLOORS["real_openings"]))
def test_real_accuracy_floor(real_set, real_figures, name):
    assert real_figures[name] >= FLOORS[real_set][name], real_figures


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_real_accuracy_target(real_set, real_figures, name):
    if real_set not in TARGET_SETS:
        pytest.skip(f"{real_set}: floors only")
    assert real_figures[name] >= TARGETS[name], f"{real_set}: {name} measured {real_figures[name]:.3f}, target {TARGETS[name]}"


def test_real_extra_reports(real_set, real_export, real_gold):
    """Site preambles, page headers and essays on how to write are not exported as reports."""
    files = {g["file"] for g in real_gold}
    extra = len(real_export) - len(real_gold)
    assert len({Path(p["source"]).name for p in real_export}) == len(files)
    assert extra <= EXTRA_REPORTS_AT_MOST, extra
