"""Stage 1-2 (read + decode): every supported format and encoding, and a reason for every reject.

Encodings are detected, never assumed: each test hands the reader bytes with nothing but the
file name to go on. Passages are copied from data/sample (000: simplified, 002: traditional).
"""
from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest

from pipeline.load.decode import decode, decode_bytes, html_to_text
from pipeline.load.read import Rejected, read_bytes, read_path

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

# 000 (simplified) and 002 (traditional), a heading and a paragraph each
SIMPLIFIED = ("行署办公室2018年度思想宣传及意识形态工作总结\n"
              "2018年,严格按照《阿里地区2018年地直部门党委(党组)意识形态工作目标管理责任书》要求,"
              "认真学习贯彻党的十九大、十九届二中全会、三中全会精神,扎实开展结对帮扶工作。\n"
              "一、工作开展情况\n")
TRADITIONAL = ("政協機關2020年意識形態工作總結\n"
               "2020年上半年,在縣委、縣政協黨組的正確領導下,縣政協機關堅持以習近平新時代中國特色社會主義思想為指導,"
               "落實意識形態工作責任制。\n"
               "一.強化組織領導,壓實工作責任。\n")


def _read(data: bytes, name: str) -> str:
    return decode(read_bytes(data, name))[0]


# ---------------------------------------------------------------- encodings
@pytest.mark.parametrize("label,text,data,expect_enc", [
    ("utf-8", SIMPLIFIED, SIMPLIFIED.encode("utf-8"), "utf-8"),
    ("utf-8 BOM", SIMPLIFIED, codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8-sig"),
    ("gbk", SIMPLIFIED, SIMPLIFIED.encode("gbk"), "gb18030"),
    ("gbk traditional", TRADITIONAL, TRADITIONAL.encode("gbk"), "gb18030"),
    ("gb18030 beyond gbk", SIMPLIFIED + "㐀€", (SIMPLIFIED + "㐀€").encode("gb18030"), "gb18030"),
    ("big5", TRADITIONAL, TRADITIONAL.encode("big5"), "big5"),
    ("utf-16-le BOM", SIMPLIFIED, codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"), "utf-16"),
    ("utf-16-be BOM", SIMPLIFIED, codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16"),
    ("utf-16-le", SIMPLIFIED, SIMPLIFIED.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be", SIMPLIFIED, SIMPLIFIED.encode("utf-16-be"), "utf-16-be"),
    ("utf-16-le traditional", TRADITIONAL, TRADITIONAL.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be traditional", TRADITIONAL, TRADITIONAL.encode("utf-16-be"), "utf-16-be"),
])
def test_encoding_detected(label, text, data, expect_enc):
    doc = read_bytes(data, "report.txt")
    assert doc.file_type == "txt"
    out, enc = decode(doc)
    assert out == text, label
    assert enc == expect_enc


@pytest.mark.parametrize("text", [SIMPLIFIED, TRADITIONAL])
@pytest.mark.parametrize("enc", ["utf-8", "gbk", "utf-16-le", "utf-16-be"])
def test_md_and_txt_read_alike(tmp_path, text, enc):
    for name in ("a.txt", "a.md"):
        p = tmp_path / name
        p.write_bytes(text.encode(enc))
        assert decode(read_path(p))[0] == text


def test_short_gbk_and_big5():
    assert decode_bytes("意识形态工作总结".encode("gbk")) == ("意识形态工作总结", "gb18030")
    assert decode_bytes("意識形態工作總結".encode("big5")) == ("意識形態工作總結", "big5")


def test_utf8_cut_mid_character_stays_utf8():
    """A download cut short (or one corrupted byte) must not turn the file into GB18030 mojibake."""
    data = SIMPLIFIED.encode("utf-8") + "意".encode("utf-8")[:2]
    text, enc = decode_bytes(data)
    assert enc == "utf-8" and text.startswith(SIMPLIFIED)
    stray = SIMPLIFIED[:40].encode() + b"\xff" + SIMPLIFIED[40:].encode()
    text, enc = decode_bytes(stray)
    assert enc == "utf-8" and "行署办公室" in text and text.count("\ufffd") == 1


def test_gbk_is_not_mistaken_for_broken_utf8():
    text, enc = decode_bytes(("今年以来,我局认真落实意识形态工作责任制。" * 3).encode("gbk"))
    assert enc == "gb18030" and text.startswith("今年以来")


def test_utf16_with_odd_length_still_read():
    text, enc = decode_bytes(SIMPLIFIED.encode("utf-16-le") + b"\x00"[:1])
    assert text.startswith("行署办公室") and enc.startswith("utf-16")


def test_utf32_bom_not_read_as_utf16():
    text, enc = decode_bytes(codecs.BOM_UTF32_LE + SIMPLIFIED.encode("utf-32-le"))
    assert text == SIMPLIFIED and enc == "utf-32"


# ---------------------------------------------------------------- docx
def _docx(paragraphs: list[str], table: list[list[str]] | None = None, merge: bool = False) -> bytes:
    import docx

    d = docx.Document()
    for p in paragraphs[:2]:
        d.add_paragraph(p)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for i, row in enumerate(table):
            for j, v in enumerate(row):
                t.cell(i, j).text = v
        if merge:
            t.cell(len(table) - 1, 1).merge(t.cell(len(table) - 1, 2))
    for p in paragraphs[2:]:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_table_in_order():
    data = _docx(["县审计局2021年意识形态工作总结", "今年以来,县审计局党组认真落实意识形态工作责任制。",
                  "二、存在问题", "一是学习形式较为单一;二是网络阵地建设有待加强。"],
                 table=[["项目", "次数", "备注"], ["集中学习", "12", "含专题研讨"], ["专题会议", "4", "4"]], merge=True)
    doc = read_bytes(data, "县审计局.docx")
    assert doc.file_type == "docx"
    lines = decode(doc)[0].split("\n")
    assert lines[0] == "县审计局2021年意识形态工作总结"
    assert lines[2:5] == ["项目\t次数\t备注", "集中学习\t12\t含专题研讨", "专题会议\t4"]  # merged cell once
    assert lines[-1] == "一是学习形式较为单一;二是网络阵地建设有待加强。"


def test_docx_broken_or_empty_rejected():
    good = _docx(["县审计局2021年意识形态工作总结", "今年以来,县审计局党组认真落实意识形态工作责任制。"])
    with pytest.raises(Rejected, match="损坏"):
        read_bytes(good[:600], "cut.docx")
    with pytest.raises(Rejected, match="没有文字"):
        read_bytes(_docx([]), "blank.docx")


def test_doc_that_is_really_docx_is_read():
    data = _docx(["县审计局2021年意识形态工作总结", "今年以来,县审计局党组认真落实意识形态工作责任制。"])
    doc = read_bytes(data, "下载的文档.doc")
    assert doc.file_type == "docx" and "县审计局党组" in decode(doc)[0]


# ---------------------------------------------------------------- pdf
def _pdf(lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("wqy", fname=str(FONT))
    pdf.set_font("wqy", size=12)
    for line in lines:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@pytest.mark.skipif(not FONT.exists(), reason=f"CJK font {FONT} missing: run `scripts/install_system_deps.sh font`")
def test_pdf_text_layer_read():
    lines = ["县审计局2021年意识形态工作总结",
             "今年以来,县审计局党组认真落实意识形态工作责任制,召开党组会议专题研究意识形态工作4次,组织集中学习12次。",
             "一、工作开展情况", "(一)加强理论学习。"]
    doc = read_bytes(_pdf(lines), "report.pdf")
    assert doc.file_type == "pdf"
    text = "".join(decode(doc)[0].split())   # pages wrap lines wherever they like
    for line in lines:
        assert "".join(line.split()) in text


def test_pdf_without_text_layer_rejected_saying_so():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 120, 80)          # a scan: graphics only
    with pytest.raises(Rejected, match="没有文字层"):
        read_bytes(bytes(pdf.output()), "scan.pdf")


def test_pdf_broken_rejected():
    with pytest.raises(Rejected, match="PDF"):
        read_bytes(b"%PDF-1.4\n garbage that is no pdf", "broken.pdf")


# ---------------------------------------------------------------- html
PAGE = """<!DOCTYPE html><html><head><meta charset="gb2312"><title>县政协机关2020年意识形态工作总结_范文网</title>
<style>.nav{color:red}</style><script>var t="意识形态工作总结";</script></head>
<body><div class="nav"><a href="/">网站首页</a> | <a>工作总结</a></div>
<h1>县政协机关2020年意识形态工作总结</h1>
<div class="content"><p>2020年上半年,在县委、县政协党组的正确领导下,县政协机关坚持以习近平新时代中国特色社会主义思想为指导。</p>
<p>一.强化组织领导,压实工作责任。组织集中学习<b>8</b>次。</p>
<!-- 隐藏的注释 --><noscript>请开启脚本</noscript>
<table><tr><td>集中学习</td><td>8次</td></tr></table></div></body></html>"""


@pytest.mark.parametrize("name", ["page.html", "page.htm"])
def test_html_visible_text_only(name):
    doc = read_bytes(PAGE.encode("gbk"), name)
    assert doc.file_type == "html"
    text, enc = decode(doc)
    assert enc == "gb18030"
    lines = text.split("\n")
    assert "县政协机关2020年意识形态工作总结" in lines
    assert "一.强化组织领导,压实工作责任。组织集中学习8次。" in lines
    assert "集中学习\t8次" in lines                                   # cells stay apart
    for hidden in ("范文网", "var t", "color:red", "隐藏的注释", "请开启脚本"):
        assert hidden not in text


def test_html_unclosed_head_and_option_do_not_hide_the_body():
    assert html_to_text("<html><head><title>t</title><body><p>一、工作开展情况</p></body></html>") == "一、工作开展情况"
    assert html_to_text("<body><select><option>甲<option>乙</select><p>正文内容</p></body>") == "正文内容"


def test_txt_holding_html_is_read_as_html():
    doc = read_bytes("<html><body><p>今年以来,我局认真落实意识形态工作责任制。</p></body></html>".encode(), "a.txt")
    assert doc.file_type == "html" and decode(doc)[0] == "今年以来,我局认真落实意识形态工作责任制。"


def test_saved_web_page_mht():
    mht = ("MIME-Version: 1.0\nContent-Type: multipart/related; boundary=\"B\"\n\n--B\n"
           "Content-Type: text/html; charset=\"gb2312\"\nContent-Transfer-Encoding: quoted-printable\n\n"
           "<html><body><p>=BD=F1=C4=EA=D2=D4=C0=B4</p></body></html>\n--B--\n").encode()
    for name in ("page.mht", "page.doc"):
        doc = read_bytes(mht, name)
        assert doc.file_type == "html" and decode(doc)[0] == "今年以来"
        assert doc.data == mht                  # the hash is of the file as it is


# ---------------------------------------------------------------- rejects, each with its reason
@pytest.mark.parametrize("name,data,words", [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".docx"),
    ("old.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".docx"),
    ("ole_named.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "旧版 Word"),
    ("rich.rtf", b"{\\rtf1\\ansi hello}", "RTF"),
    ("rich.doc", b"{\\rtf1\\ansi hello}", "RTF"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 300, "图片"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 300, "图片"),
    ("table.xlsx", b"PK\x03\x04" + b"\x00" * 100, "不支持的文件类型 .xlsx"),
    ("noext", SIMPLIFIED.encode(), "无扩展名"),
    ("empty.txt", b"", "空文件"),
    ("png_named.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 300, "PNG"),
    ("zip_named.txt", b"PK\x03\x04" + b"\x00" * 300, "ZIP"),
    ("binary.txt", bytes(range(256)) * 20, "二进制"),
    ("elf.md", b"\x7fELF" + b"\x00" * 300, "程序"),
    ("pdf_named.txt", b"%PDF-1.4 ...", "PDF"),
])
def test_rejected_with_reason(tmp_path, name, data, words):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(Rejected) as exc:
        decode(read_path(p))
    assert words in str(exc.value)


def test_undecodable_text_rejected():
    import random

    rnd = random.Random(7)
    data = bytes(rnd.randrange(1, 256) for _ in range(4000))   # no NULs, no encoding fits
    with pytest.raises(Rejected, match="编码|控制字符"):
        decode(read_bytes(data, "noise.txt"))


def test_whitespace_only_rejected():
    with pytest.raises(Rejected, match="没有可读文字"):
        decode(read_bytes(" \n\t\n".encode(), "blank.txt"))


def test_ascii_heavy_utf16_without_bom_is_not_utf8_with_nuls():
    text = "2021 Party Building report: 县审计局 12 次\n" + "Rights Reserved " * 20
    for enc in ("utf-16-le", "utf-16-be"):
        assert decode_bytes(text.encode(enc)) == (text, enc)


def test_control_characters_counted_as_the_definition_says():
    """Below " " except tab, newline, form feed and carriage return; counted in the first
    20,000 characters; more than 50 rejects the file."""
    from pipeline.load.decode import _CONTROL

    for c in range(0x110000):
        if not 0xD800 <= c < 0xE000:
            ch = chr(c)
            assert bool(_CONTROL.findall(ch)) == (ch < " " and ch not in "\n\r\t\f"), hex(c)
    body = "意识形态工作\n\t\r\f" * 10
    assert decode(read_bytes((body + "\x0b" * 50).encode(), "ok.txt"))[0].endswith("\x0b")
    with pytest.raises(Rejected, match="控制字符"):
        decode(read_bytes((body + "\x01\x0b" * 26).encode(), "bad.txt"))
    late = "意" * 20000 + "\x01" * 60                      # beyond the first 20,000: not counted
    assert decode(read_bytes(late.encode(), "late.txt"))[0] == late


def test_mostly_utf8_counts_non_ascii_characters():
    from pipeline.load.decode import _mostly_utf8

    good = "意识形态工作abc".encode() * 100
    assert _mostly_utf8(good[:-2] + b"\xff\xfe") is not None      # two bad bytes among 600 characters
    assert _mostly_utf8(b"abc" * 100 + b"\xff") is None           # no non-ASCII character at all
    assert _mostly_utf8("意识".encode() * 3 + b"\xff" * 3) is None  # 6 good are too few
