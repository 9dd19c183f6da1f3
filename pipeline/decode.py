"""Stage 2 - decode: bytes -> str, detecting the encoding rather than assuming it.

Order: a BOM wins; then strict UTF-8 (most files); then charset-normalizer restricted to
the encodings Chinese reports really use (GB18030 ⊃ GBK ⊃ GB2312, Big5, UTF-16 without
BOM). HTML is then reduced to its visible text.

>>> decode_bytes("意识形态".encode("gbk"))[1]
'gb18030'
"""
from __future__ import annotations

import codecs
import re
from html import unescape
from html.parser import HTMLParser

from .read import RawDocument, Rejected

_BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
_CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16_le", "utf_16_be"]


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is not None:
        enc = best.encoding.replace("_", "-")
        return str(best), enc
    # No candidate decodes cleanly: keep what GB18030 can read, mark the rest.
    text = data.decode("gb18030", errors="replace")
    if text.count("\ufffd") > max(10, len(text) // 20):
        raise Rejected("无法识别文件编码(不是 UTF-8/GBK/Big5/UTF-16 文本)")
    return text, "gb18030?"


def decode(doc: RawDocument) -> tuple[str, str]:
    """Text of any RawDocument and the encoding it came in (docx/pdf: 'n/a')."""
    if doc.text is not None:
        return doc.text, "n/a"
    text, enc = decode_bytes(doc.data)
    if doc.file_type == "html":
        text = html_to_text(text)
    if not text.strip():
        raise Rejected("文件中没有可读文字")
    bad = sum(1 for ch in text[:20000] if ch < " " and ch not in "\n\r\t\f")
    if bad > 50:
        raise Rejected("文件含大量控制字符,不是文本文件")
    return text, enc


_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
          "table", "ul", "ol", "title", "header", "footer", "blockquote", "pre", "dd", "dt"}
_SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "button", "select", "option"}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block per line (scripts, styles, head dropped).

    >>> html_to_text("<html><head><title>t</title></head><body><p>一、工作</p><script>x</script></body></html>")
    '一、工作'
    """
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    text = unescape("".join(parser.parts))
    text = re.sub(r"[ \t\r\f\v]*\n[\s]*", "\n", text)
    return text.strip()
