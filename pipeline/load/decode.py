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
from array import array
from html import unescape
from html.parser import HTMLParser

from pipeline.load.document import RawDocument, Rejected
from pipeline.text.textmap import Mapped

# UTF-32 first: its little-endian BOM starts with the UTF-16 one.
_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
_CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16_le", "utf_16_be"]
# control characters a text file does not hold: below " " except \t \n \f \r
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a handful of bad bytes (a download cut mid-character, one corrupted
    byte) is still UTF-8: a GBK or Big5 file read as UTF-8 fails on nearly every
    Chinese character, never on just a few."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad     # non-ASCII characters, counted in C
    if good >= 8 and bad <= max(2, good // 500):
        return text
    return None


def _nul_interleaved(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs fill (nearly) every other byte, else None."""
    head = data[:8192]
    half = len(head) // 2
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if half and odd > 0.3 * half and even < 0.02 * half:
        return "utf-16-le"
    if half and even > 0.3 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    try:
        text = data.decode("utf-8")
        if "\x00" not in text:
            return text, "utf-8"
        utf16 = _nul_interleaved(data)    # ASCII-heavy UTF-16 without BOM is valid UTF-8 too
        return (data.decode(utf16, errors="replace"), utf16) if utf16 else (text, "utf-8")
    except UnicodeDecodeError:
        pass
    text = _mostly_utf8(data)
    if text is not None:
        return text, "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is not None:
        enc = best.encoding.replace("_", "-")
        return str(best), enc
    if len(data) % 2 and len(data) > 2:  # UTF-16 cut mid-character: drop the odd byte
        best = from_bytes(data[:-1], cp_isolation=["utf_16_le", "utf_16_be"]).best()
        if best is not None:
            return str(best), best.encoding.replace("_", "-")
    # No candidate decodes cleanly: keep what GB18030 can read, mark the rest.
    text = data.decode("gb18030", errors="replace")
    if text.count("\ufffd") > max(10, len(text) // 20):
        raise Rejected("无法识别文件编码(不是 UTF-8/GBK/Big5/UTF-16 文本)")
    return text, "gb18030?"


def decode(doc: RawDocument) -> tuple[str, str]:
    """Text of any RawDocument and the encoding it came in (docx/pdf: 'n/a')."""
    text, enc, _ = decode_with_offsets(doc)
    return text, enc


def decode_with_offsets(doc: RawDocument) -> tuple[str, str, array | None]:
    """`decode`, plus for a web page where each visible character sits in the decoded file
    (its markup): offsets[i] for text[i], one extra entry for the end; None when the text
    is the decoded file itself. The export's char_start/char_end go through it."""
    if doc.text is not None:
        return doc.text, "n/a", None
    text, enc = decode_bytes(doc.data)
    offsets = None
    if doc.file_type == "html":
        m = html_to_mapped(text)
        text, offsets = m.text, m.pos
    if not text.strip():
        raise Rejected("文件中没有可读文字")
    bad = len(_CONTROL.findall(text, 0, 20000))
    if bad > 50:
        raise Rejected("文件含大量控制字符,不是文本文件")
    return text, enc, offsets


_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
          "table", "ul", "ol", "title", "header", "footer", "blockquote", "pre", "dd", "dt", "hr", "nav",
          "aside", "main", "figure", "figcaption", "caption", "form", "fieldset", "address"}
_CELL = {"td", "th"}
_SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "button", "select", "option",
         "textarea", "object"}


class _VisibleText(HTMLParser):
    """Visible text, one block per line. Skipped elements are tracked on a stack, so an
    unclosed `<option>` or a page that never closes `<head>` cannot hide the rest."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)     # entities come one by one, with their place
        self.parts: list[str] = []
        self.starts: list[int] = []       # where each part begins in the HTML
        self.skipping: list[str] = []
        self._lines = [0] + [m.end() for m in re.finditer("\n", html)]

    def _add(self, text: str) -> None:
        line, col = self.getpos()
        self.parts.append(text)
        self.starts.append(self._lines[line - 1] + col)

    def handle_starttag(self, tag, attrs):
        if tag == "body":            # whatever was left open in <head> ends here
            self.skipping.clear()
            return
        if tag in _SKIP:
            if tag == "option" and self.skipping and self.skipping[-1] == "option":
                return               # <option>a<option>b: the first one closes implicitly
            self.skipping.append(tag)
        elif tag in _BLOCK:
            self._add("\n")
        elif tag in _CELL:
            self._add("\t")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            if tag in self.skipping:
                while self.skipping and self.skipping.pop() != tag:
                    pass
        elif tag == "head":
            self.skipping.clear()
        elif tag in _BLOCK:
            self._add("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self._add("\n")

    def handle_data(self, data):
        if not self.skipping:
            self._add(data)

    def handle_entityref(self, name):
        if not self.skipping:
            self._add(unescape(f"&{name};"))

    def handle_charref(self, name):
        if not self.skipping:
            self._add(unescape(f"&#{name};"))


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block per line (scripts, styles, head dropped).

    >>> html_to_text("<html><head><title>t</title></head><body><p>一、工作</p><script>x</script></body></html>")
    '一、工作'
    """
    return html_to_mapped(html).text


_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_NEWLINE_RUN = re.compile(r"[ \t\r\f\v]*\n[\s]*")
_TAB_RUN = re.compile(r"\t[\t ]*")
_EDGE_SPACE = re.compile(r"(?m)^[ \t]+|[ \t]+$")


def html_to_mapped(html: str) -> Mapped:
    """`html_to_text` with each character's offset in `html` (an entity such as &nbsp; maps
    to where it starts)."""
    parser = _VisibleText(html)
    parser.feed(html)
    parser.close()
    pos = array("q")
    for part, start in zip(parser.parts, parser.starts):
        pos.extend(range(start, start + len(part)))
    pos.append(len(html))
    m = Mapped("".join(parser.parts), pos)
    m = m.sub(_ENTITY, lambda e: unescape(e.group()))     # text escaped twice (&amp;nbsp;)
    m = m.sub(_NEWLINE_RUN, "\n").sub(_TAB_RUN, "\t").sub(_EDGE_SPACE, "")
    a = len(m.text) - len(m.text.lstrip())
    b = len(m.text.rstrip())
    if b <= a:
        return Mapped("", array("q", [len(html)]))
    return Mapped(m.text[a:b], m.pos[a:b] + array("q", [m.pos[b - 1] + 1]))