"""Stage 3 (clean): pure str -> str steps, boilerplate from the pattern file, offsets kept.

Snippets are copied from data/sample (000 government page, 001 pinyin + spaced numbers,
002 site navigation, 003 footer) or written to look like what document-sharing sites and
PDF converters produce.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.text import clean as clean_mod
from pipeline.text.clean import boilerplate_patterns, clean, clean_text, collapse_blank_lines, drop_cjk_spaces, fold_width, is_prose, join_spaced_out, normalize_newlines, normalize_spaces, strip_boilerplate, strip_pinyin, trim
from pipeline.load.decode import decode_bytes

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


# ---------------------------------------------------------------- pinyin artefacts
@pytest.mark.parametrize("raw,clean_", [
    ("意識形態(tài)工作責任制", "意識形態工作責任制"),                        # 001
    ("發(fā)布時間:2020-11-03", "發布時間:2020-11-03"),                     # 001 header
    ("統(tǒng)籌推進局系統(tǒng)領域意識形態(tài)工作", "統籌推進局系統領域意識形態工作"),
    ("縣委、縣領(lǐng)導小組和聯(lián)席會議", "縣委、縣領導小組和聯席會議"),       # 003
    ("態（tài）", "態"),                                                          # full-width brackets
    ("態 (tài)工作", "態工作"),                                                   # a space before
    ("論(lùn )文", "論文"),                                                       # a space inside
])
def test_pinyin_removed(raw, clean_):
    assert strip_pinyin(raw) == clean_


@pytest.mark.parametrize("keep", [
    "意識形態工作責任制落實情況報告(十頁)",                        # 001 title: page count stays
    "(一)加強理論學習", "（二）強化陣地管理", "(3)", "2018年地直部門黨委(黨組)",
    "阿里(Ali)地區", "人(次)", "研究(2次)", "(ZHAN)",
])
def test_real_parentheses_kept(keep):
    assert strip_pinyin(keep) == keep


# ---------------------------------------------------------------- width, spaces, lines
def test_fold_width_digits_and_letters_only():
    assert fold_width("２０２１年ＡＢｃ,（一）１２３％") == "2021年ABc,（一）123％"
    assert len(fold_width("２０２１")) == 4


def test_spaces_collapsed_and_dropped_next_to_han():
    assert normalize_spaces("一、工作開展情況\u00a0\u00a0\u00a0\u3000\t 正文") == "一、工作開展情況 正文"
    # 001: Arabic numbers between spaces
    assert drop_cjk_spaces("培訓達 200 余人次") == "培訓達200余人次"
    assert drop_cjk_spaces("組建了 36 人“網絡輿情員”隊伍") == "組建了36人“網絡輿情員”隊伍"
    assert drop_cjk_spaces("All Rights Reserved 2018") == "All Rights Reserved 2018"


def test_newlines_and_blank_lines():
    assert normalize_newlines("一\r\n二\r三\u2028四") == "一\n二\n三\n四"
    assert collapse_blank_lines("一\n\n\n二") == "一\n二"


@pytest.mark.parametrize("text", ["", " ", "\n\n", "意识", " 意识 ", "\n\n意识 形态\n", "意识\n", "意识 \n",
                                  "\u3000意识\u3000\n", "  \n  ", "x\n\n", "\ufeff\u2003意识\u00a0\x85"])
def test_trim_deletes_what_the_regex_did(text):
    """trim finds its spans with str.strip; `\\s` of `re` is str.isspace, so the result is
    re.sub(r"^\\s+|\\s+$", "", text), map included."""
    assert trim(text) == re.sub(r"^\s+|\s+$", "", text)
    m = clean_mod.Mapped.identity(text)
    reference = m.sub(re.compile(r"^\s+|\s+$"), "")
    got = trim.mapped(m)
    assert (got.text, list(got.pos)) == (reference.text, list(reference.pos))


def test_lookahead_prefixes_change_no_match():
    """The `(?= )` / `(?=[ (（])` prefixes only let re skip characters no match starts with:
    the same matches as the patterns without them, on random mixes of what they look at."""
    import random

    han, punct = "\u4e00-\u9fff\u3400-\u4dbf", "\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014"
    toned = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
    py = f"a-zA-Zü\u0251\u0261{toned}"
    plain = {
        strip_pinyin: rf"(?<=[{han}])[ \u00a0\u3000]?[(（] ?[{py}]*[{toned}][{py}]* ?[)）]",
        drop_cjk_spaces: rf"(?<=[{han}{punct}0-9]) +(?=[{han}{punct}])|(?<=[{han}{punct}]) +(?=[0-9(])"
                         rf"|(?<=[Xx*＊×_]{{2}}) +(?=[{han}])|(?<=[{han}]) +(?=[Xx*＊×_]{{2}})"
                         rf"|(?<=[{han}]) +(?=[Xx*＊] *[{han}])|(?<=[{han}][Xx*＊]) +(?=[{han}])|(?<=[{han}] [Xx*＊]) +(?=[{han}])",
        clean_mod.strip_line_edges: r"(?m)^ +| +$",
    }
    pieces = [" ", "  ", "意", "識", "X", "x", "*", "＊", "×", "_", "1", "(", "（", ")", "）", "。", "，", "a", "\n",
              "\u3000", "\u00a0", "tài", "lǐng", "ā", "\t"]
    rnd = random.Random(9)
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 14))) for _ in range(20000)]
    for step, pattern in plain.items():
        ref = re.compile(pattern)
        for t in texts:
            assert [m.span() for m in step.pattern.finditer(t)] == [m.span() for m in ref.finditer(t)], (step.name, t)


def test_pinyin_step_skips_texts_without_a_tone_mark():
    assert not strip_pinyin.applies("工作(一)和（二）")
    assert strip_pinyin.applies("態(tài)")
    assert strip_pinyin("工作(一)和（二）(ta)") == "工作(一)和（二）(ta)"


def test_pdf_spaced_out_lines_joined():
    spaced = "县 审 计 局 2 0 2 1 年 意 识 形 态 工 作 总 结"
    assert join_spaced_out(spaced) == "县审计局2021年意识形态工作总结"
    line = "今 年 以 来 ， 组 织 集 中 学 习 1 2 次 ， 参 加 Party Building 活 动"
    assert clean_text(line) == "今年以来，组织集中学习12次，参加 Party Building 活动"


def test_ordinary_lines_and_table_rows_not_joined():
    assert join_spaced_out("组织学习 12 次,开展 3 次") == "组织学习 12 次,开展 3 次"
    assert join_spaced_out("序号\t1\t2\t3\t4\t5\t6") == "序号\t1\t2\t3\t4\t5\t6"
    assert join_spaced_out("网站首页 个人文档 个人总结 工作总结 述职报告 心得体会") == \
        "网站首页 个人文档 个人总结 工作总结 述职报告 心得体会"


def test_pdf_scattered_spaces_and_blanks():
    text = ("20__年,我局在县委的正确领导下,认真学习党的 大精神和 总书记重要讲话精神,\n"
            "召开 党组会 议 4 次,XX 同志 作专题辅导。")
    assert clean_text(text) == ("20__年,我局在县委的正确领导下,认真学习党的大精神和总书记重要讲话精神,\n"
                                "召开党组会议4次,XX同志作专题辅导。")


# ---------------------------------------------------------------- boilerplate
def test_government_page_header_and_footer():      # 000
    page = ("意识形态工作\n"
            "当前位置: 网站首页 >> 政务公开 >> 专题专栏 >> 意识形态工作 >> 正文\n"
            "行署办公室2018年度思想宣传及意识形态工作总结\n"
            "发布时间:2018-11-12 来源: 点击数:\n"
            "\u00a0\n"
            "2018年,严格按照《阿里地区2018年地直部门党委(党组)意识形态工作目标管理责任书》要求。\n"
            "\u00a0\n"
            "Copyright ©  西藏阿里地区行署办公室, 藏ICP备18000418号-1,All Rights Reserved 地址:西藏阿里地区行署办公室\n"
            "网站标识码:5425000010藏公网安备 54252302000012号\n"
            "联系我们| 关于我们| 网站声明| 网站地图\n")
    assert clean_text(page) == ("意识形态工作\n行署办公室2018年度思想宣传及意识形态工作总结\n"
                                "2018年,严格按照《阿里地区2018年地直部门党委(党组)意识形态工作目标管理责任书》要求。")


def test_traditional_site_navigation_and_header():  # 002
    page = ("網站首頁 個人文檔 個人總結 工作總結 述職報告 心得體會 演講稿 講話致辭 實用文 教學資源 企業文化 公文 論文\n\n"
            "政協機關2020年意識形態工作總結\n\n欄目: 黨建工作總結 / 發佈於: / 人氣:1.74W\n\n"
            "政協機關2020年意識形態工作總結\n")
    assert clean_text(page) == "政協機關2020年意識形態工作總結\n政協機關2020年意識形態工作總結"


def test_footer_with_pinyin():                      # 003
    tail = ("傳播X聲音,講好X故事,營造強信心、暖人心、聚民心的輿論氛圍。\n?\n版權(quán)聲明\n"
            "作者原創(chuàng),不允許二次傳播,一經(jīng)發(fā)現(xiàn)收回會員權益,追究法律責任。\n"
            "微信訂閱號\n聯(lián)系客服\n")
    assert clean_text(tail) == "傳播X聲音,講好X故事,營造強信心、暖人心、聚民心的輿論氛圍。"


WENKU = """百度文库 - 让每个人平等地提升自我
首页 > 行业资料 > 党建材料
2021年乡镇意识形态工作总结
文档介绍：2021年乡镇意识形态工作总结今年以来，我镇在县委、县政府的正确领导下……
文件大小：25.6KB
页数：5页
下载提示：1. 本站不保证该用户上传的文档完整性，不预览、不比对内容而直接下载产生的反悔问题本站不予受理。
2021年乡镇意识形态工作总结
今年以来，敖泉镇党委在县委、县政府的正确领导下，认真落实意识形态工作责任制，现将有关情况总结如下：
一、工作开展情况
（一）加强理论武装。全年共组织党委理论学习中心组学习12次，开展专题研讨4次。
二、存在的问题
一是学习教育形式较为单一；二是网络阵地建设有待加强。
本文档由用户上传，如有侵权请联系删除
第1页 共5页
- 2 -
还剩3页未读，继续阅读
相关文档
乡镇2020年意识形态工作总结
"""


def test_document_sharing_wrapper():
    assert clean_text(WENKU) == """2021年乡镇意识形态工作总结
2021年乡镇意识形态工作总结
今年以来，敖泉镇党委在县委、县政府的正确领导下，认真落实意识形态工作责任制，现将有关情况总结如下：
一、工作开展情况
（一）加强理论武装。全年共组织党委理论学习中心组学习12次，开展专题研讨4次。
二、存在的问题
一是学习教育形式较为单一；二是网络阵地建设有待加强。"""


@pytest.mark.parametrize("sentence", [
    "今年以来，我局通过微信公众号发布2021年度意识形态工作动态信息56条，网站点击量大幅提升。",
    "组织干部职工开展“扫码答题”学习竞赛活动，参与人数达300余人次。",
    "开展网络文明宣传，提醒群众不转载、不传播未经核实的信息，发现侵权有害信息及时删除。",
    "组织观看红色电影，作者：本局宣传组，阅读量达到一万余次。",
    "建立网站信息发布审核制度，坚持先审后发，全年共审核稿件320篇，下载学习资料50余份。",
])
def test_report_sentences_with_chrome_words_survive(sentence):
    """A chrome word inside a report sentence must never cost the report that line."""
    text = "一、工作开展情况\n" + sentence + "\n二、存在问题"
    assert clean_text(text) == text


def test_prose_guard():
    assert is_prose("今年以来，我局通过微信公众号发布2021年度意识形态工作动态信息56条，网站点击量大幅提升。")
    assert not is_prose("发布时间:2018-11-12 来源: 点击数:")
    assert not is_prose("本文档由用户上传，如有侵权请联系删除。")


def test_tail_dropped_only_near_the_end():
    body = "\n".join(["今年以来，我局认真落实意识形态工作责任制，取得了良好成效。"] * 6)
    assert clean_text(body + "\n热点文章阅读\n某某工作总结\n某某心得体会") == body
    early = "相关推荐\n" + body
    # near the top it is no footer: nothing after it goes, only the bare label line itself (p08)
    assert clean_text(early) == body
    assert clean_text("相关推荐:意识形态工作总结范文\n" + body).startswith("相关推荐")


def test_strip_boilerplate_is_pure_and_reads_traditional():
    text = "當前位置: 首頁 >> 正文\n一、工作開展情況\n藏ICP備18000418號-1"
    assert strip_boilerplate(text) == "一、工作開展情況\n"
    assert strip_boilerplate(text) == strip_boilerplate(text)
    assert text == "當前位置: 首頁 >> 正文\n一、工作開展情況\n藏ICP備18000418號-1"


def test_patterns_come_from_the_data_file(tmp_path):
    f = tmp_path / "bp.txt"
    f.write_text("# comment\n[any]\n本页由.*生成\n[line]\n广告\n[tail]\n相关阅读.*\n", encoding="utf-8")
    pats = boilerplate_patterns(str(f))
    assert pats["any"].search("本页由某系统生成\n") and pats["line"].search("广告\n") and pats["tail"].search("相关阅读\n")
    bad = tmp_path / "bad.txt"
    bad.write_text("[line]\n(unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.txt:2:正则表达式有误"):
        boilerplate_patterns(str(bad))
    unknown = tmp_path / "unknown.txt"
    unknown.write_text("[lines]\nx\n", encoding="utf-8")
    with pytest.raises(ValueError, match="未知的分节"):
        boilerplate_patterns(str(unknown))


_FOLD = {**{chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF5B)}}


@pytest.mark.parametrize("path", sorted(SAMPLE.glob("*.txt")), ids=lambda p: p.name[:3])
def test_every_cleaned_character_maps_back(path):
    original = decode_bytes(path.read_bytes())[0]
    m = clean(original)
    assert len(m.pos) == len(m.text) + 1
    assert list(m.pos) == sorted(m.pos)                      # order is kept
    for i, ch in enumerate(m.text):
        o = original[m.pos[i]]
        assert ch == o or ch == _FOLD.get(o) or (ch in " \n" and o.isspace()), (i, ch, o)


def test_offsets_locate_a_sentence_in_the_original():
    original = (SAMPLE / "001_96085f8dceb548e3.txt").read_text(encoding="utf-8")
    m = clean(original)
    target = "培訓達200余人次"
    i = m.text.index(target)
    s, e = m.original_span(i, i + len(target))
    assert original[s:e] == "培訓達 200 余人次"
    head = "近年來,市***黨組認真學習貫徹習近平總書記關于意識形態"
    i = m.text.index(head)
    s, e = m.original_span(i, i + len(head))
    assert original[s:e] == "近年來,市***黨組認真學習貫徹習近平總書記關于意識形態"


def test_offsets_survive_pinyin_spaces_and_deleted_lines():
    original = "當前位置: 首頁 >> 正文\r\n發(fā)布時間:2020-11-03\r\n意識形態(tài)工作 ２０２１ 年  總結\r\n"
    m = clean(original)
    assert m.text == "意識形態工作2021年總結"
    s, e = m.original_span(0, len(m.text))
    assert original[s:e] == "意識形態(tài)工作 ２０２１ 年  總結"
    k = m.text.index("2021")
    s, e = m.original_span(k, k + 4)
    assert original[s:e] == "２０２１"


def test_clean_is_idempotent_on_samples():
    for p in sorted(SAMPLE.glob("*.txt")):
        once = clean_text(decode_bytes(p.read_bytes())[0])
        assert clean_text(once) == once, p.name
        assert not re.search(r"\(t[àáǎā]i\)|  |\n\n", once)


@pytest.mark.parametrize("heading", [
    "（三）规范信息发布", "（四）开展扫码学习活动", "二、加强新闻发布和舆论引导", "一是规范网站信息发布",
    "（二）建好用好二维码学习平台", "2.手机阅读平台建设", "（三）做好信息报送与发布", "（二）VIP客户服务",
    "（一）强化来源审核", "三、作者队伍建设", "（七）设立举报电话", "二、网站首页改版情况", "三、下载学习资料",
    "（五）网评文章：32篇", "2021年12月20日", "2021.12.20",
])
def test_report_headings_with_chrome_words_survive(heading):
    """Headings are short and have no full stop, so the prose guard cannot protect them: the
    patterns themselves must not match them."""
    text = "一、工作开展情况\n" + heading + "\n正文内容。"
    assert clean_text(text) == text


@pytest.mark.parametrize("chrome", [
    "发布者：admin", "发布：2020-11-03", "2020-11-03 10:21:35 来源：县委宣传部 浏览：1024",
    "2021年03月05日 来源：人民网", "2020-11-03 发布", "分享到：微信 微博 QQ空间", "扫一扫在手机打开当前页",
    "手机版", "VIP会员专享", "立即下载", "【打印】【关闭】", "上一篇：县财政局2020年意识形态工作总结",
])
def test_chrome_lines_go(chrome):
    assert clean_text("一、工作开展情况\n" + chrome + "\n正文内容。") == "一、工作开展情况\n正文内容。"


def test_a_boilerplate_pattern_never_matches_across_a_line_break():
    """`\\s` in boilerplate.txt means horizontal space (clean.one_line): the pattern
    `文档简介\\s*[:：]?.*` once took the blank line and the one-line report under it."""
    from pipeline.text.clean import one_line

    blurb = re.compile(one_line(r"(文档简介)\s*[:：]?.*"))
    assert blurb.match("文档简介\n\n2025年我校意识形态自查报告").group() == "文档简介"
    assert blurb.match("文档简介 :\u3000本文介绍").group() == "文档简介 :\u3000本文介绍"
    # in a positive class too; a negated class already leaves the line break out
    assert re.compile(one_line(r"[-·\s]+x")).match("- \u00a0x") and not re.compile(one_line(r"[-·\s]+x")).match("-\nx")
    assert one_line(r"[^\s，。]{1,12}") == r"[^\s，。]{1,12}"
    # an escaped backslash before s, and ] first in a class, are left as they are
    assert one_line(r"a\\s") == r"a\\s" and re.compile(one_line(r"[]\s]+")).fullmatch("] ]")
    # every bundled pattern: none spans two lines
    for pattern in boilerplate_patterns().values():
        if pattern is not None:
            assert not any("\n" in m.group().rstrip("\n") for m in pattern.finditer("下载提示:\n\n正文第一行。\n"))
