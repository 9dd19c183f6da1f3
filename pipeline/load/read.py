"""Stage 1 - read: a file on disk -> `RawDocument` (bytes for text files, text for the rest).

Each supported type has one small reader. Anything else raises `Rejected` with a reason a
supervisor can act on ("旧版 .doc: 请另存为 .docx"), so a batch can carry on without it.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from pipeline.config import MAX_FILE_BYTES
from pipeline.load.document import RawDocument, Rejected  # noqa: F401  (defined apart so decode need not import read)


TEXT_TYPES = {".txt": "txt", ".md": "txt", ".text": "txt"}
HTML_TYPES = {".html": "html", ".htm": "html", ".xhtml": "html", ".mhtml": "html", ".mht": "html"}
SUPPORTED = sorted([*TEXT_TYPES, *HTML_TYPES, ".docx", ".pdf"])


def read_path(path: str | Path) -> RawDocument:
    import stat

    p = Path(path)
    st = p.stat()
    if not stat.S_ISREG(st.st_mode):
        raise Rejected("不是普通文件(管道、设备或文件夹),已跳过")
    size = st.st_size
    if size == 0:
        raise Rejected("空文件(0 字节)")
    if size > MAX_FILE_BYTES:
        raise Rejected(f"文件过大({size / 1048576:.0f} MB),上限 {MAX_FILE_BYTES // 1048576} MB")
    return read_bytes(p.read_bytes(), p.name, str(p))


def read_bytes(data: bytes, name: str, path: str | None = None) -> RawDocument:
    """Dispatch on the file name's extension; sniff content where names lie
    (a `.doc` that is really .docx or a saved web page, a `.txt` holding HTML)."""
    path = path or name
    ext = Path(name).suffix.lower()
    if not data:
        raise Rejected("空文件(0 字节)")
    if ext in TEXT_TYPES:
        _refuse_binary(data)
        return RawDocument(path, "html" if _looks_html(data) else "txt", data)
    if ext in HTML_TYPES:
        _refuse_binary(data)
        return RawDocument(path, "html", data, _mime_html(data))
    if ext == ".docx":
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise Rejected("扩展名是 .docx,内容却是旧版 Word(.doc):请用 Word 或 WPS 另存为 .docx 后再导入")
        return RawDocument(path, "docx", data, read_docx(data))
    if ext == ".pdf":
        return RawDocument(path, "pdf", data, read_pdf(data))
    if ext in (".doc", ".wps"):
        # Document-sharing sites hand out .doc files that are really .docx or web pages.
        if data.startswith(b"PK\x03\x04"):
            return RawDocument(path, "docx", data, read_docx(data))
        if _looks_html(data):
            return RawDocument(path, "html", data, _mime_html(data))
        if data.lstrip().startswith(b"{\\rtf"):
            raise Rejected("RTF 文档无法直接读取:请用 Word 或 WPS 另存为 .docx 后再导入")
        raise Rejected("旧版 Word(.doc/.wps)无法直接读取:请用 Word 或 WPS 另存为 .docx 后再导入"
                       "(或 libreoffice --headless --convert-to docx 文件名)")
    if ext == ".rtf":
        raise Rejected("RTF 文档无法直接读取:请用 Word 或 WPS 另存为 .docx 后再导入")
    if ext in {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp"}:
        raise Rejected("图片文件没有可读文字:请提供 .docx/.pdf/.txt 原文(扫描件需先做文字识别)")
    raise Rejected(f"不支持的文件类型 {ext or '(无扩展名)'}:支持 {' '.join(SUPPORTED)}")


def _looks_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml", b"mime-version:")) or (
        head.startswith(b"<") and b"<body" in data[:8192].lower())


def _mime_html(data: bytes) -> str | None:
    """A saved web page (.mht/.mhtml, or a .doc that is one): the visible text of its HTML
    part. None for plain HTML, which the decode stage handles."""
    if not data[:1024].lstrip().lower().startswith(b"mime-version:"):
        return None
    import email
    from email import policy

    from pipeline.load.decode import decode_bytes, html_to_text

    msg = email.message_from_bytes(data, policy=policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            try:
                html = payload.decode(charset) if charset else decode_bytes(payload)[0]
            except (LookupError, UnicodeDecodeError):
                html = decode_bytes(payload)[0]
            text = html_to_text(html)
            if not text.strip():
                raise Rejected("网页存档(.mht)中没有可读文字")
            return text
    raise Rejected("网页存档(.mht)中没有 HTML 正文")


_MAGIC = {b"\x89PNG": "PNG 图片", b"\xff\xd8\xff": "JPEG 图片", b"GIF8": "GIF 图片",
          b"%PDF": "PDF", b"PK\x03\x04": "ZIP/Office 文档", b"\xd0\xcf\x11\xe0": "旧版 Office 文档",
          b"\x7fELF": "程序文件"}


def _refuse_binary(data: bytes) -> None:
    """A .txt that is really an image or a zip gets a message naming what it is."""
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise Rejected(f"扩展名是文本,内容却是{what}:请检查文件")
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 with BOM: NULs are expected
    nul = head.count(0)
    if nul and not _looks_utf16(head):
        raise Rejected("文件含二进制内容,不是文本文件")


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without BOM: NULs sit in every other byte for ASCII-heavy text,
    and CJK text decodes cleanly; let the decoder decide."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return max(even, odd) > 0.2 * (len(head) / 2) and min(even, odd) < 0.05 * (len(head) / 2) or _decodes_utf16(head)


def _decodes_utf16(head: bytes) -> bool:
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            txt = head[: len(head) // 2 * 2].decode(enc)
        except UnicodeDecodeError:
            continue
        cjk = sum(1 for ch in txt if "\u4e00" <= ch <= "\u9fff")
        if txt and cjk / len(txt) > 0.3:
            return True
    return False


def read_docx(data: bytes) -> str:
    """Paragraphs and tables in document order (tables row by row, cells joined by tabs).

    Only `word/document.xml` is parsed, with python-docx's own element classes and its
    Paragraph/Table text rules: `docx.Document()` also parses styles, numbering, themes
    and settings we never read, which made it 12x slower on the ingest hot path.
    """
    try:
        from docx.oxml import parse_xml  # python-docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        with zipfile.ZipFile(io.BytesIO(data)) as z:
            root = parse_xml(_read_member(z, "word/document.xml"))
        body = root.body
    except Rejected:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
        raise Rejected(f"Word 文档已损坏或不完整,无法打开({type(exc).__name__})") from None
    except Exception as exc:  # lxml and python-docx raise assorted errors on malformed parts
        raise Rejected(f"Word 文档无法解析:{exc.__class__.__name__}") from None
    if body is None:
        raise Rejected("Word 文档中没有正文")
    lines: list[str] = []
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, None).text)
        elif tag == "tbl":
            for row in Table(child, None).rows:
                cells = []
                for cell in row.cells:
                    t = cell.text.strip()
                    if t and (not cells or cells[-1] != t):  # merged cells repeat
                        cells.append(t)
                lines.append("\t".join(cells))
    text = "\n".join(lines)
    if not text.strip():
        raise Rejected("Word 文档中没有文字")
    return text


def _read_member(z: zipfile.ZipFile, name: str) -> bytes:
    """A zip member, refused before reading when it unpacks past the limit (a zip bomb),
    and read with a cap in case its header lies."""
    from pipeline.limits import max_unpacked_bytes

    limit = max_unpacked_bytes()
    info = z.getinfo(name)
    if info.file_size > limit:
        raise Rejected(f"Word 文档解压后过大({info.file_size / 1048576:.0f} MB),上限 {limit // 1048576} MB"
                       f"(ZONGJIE_MAX_UNPACKED_MB);可能是压缩炸弹或嵌入了大量内容")
    with z.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise Rejected(f"Word 文档解压后超过上限 {limit // 1048576} MB(ZONGJIE_MAX_UNPACKED_MB)")
    return data


def read_pdf(data: bytes) -> str:
    import logging

    logging.getLogger("pypdf").setLevel(logging.ERROR)   # its warnings about broken files are ours to word
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:  # pragma: no cover
        raise Rejected("未安装 pypdf") from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise Rejected("PDF 已加密(需要密码):请提供未加密的版本")
        pages = [page.extract_text() or "" for page in reader.pages]
    except Rejected:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise Rejected(f"PDF 已损坏,无法读取({type(exc).__name__})") from None
    except Exception as exc:
        raise Rejected(f"PDF 无法读取({type(exc).__name__})") from None
    text = "\n".join(pages)
    if sum(1 for ch in text if not ch.isspace()) < 20:
        raise Rejected("PDF 没有文字层(可能是扫描件):请先做文字识别(OCR)或提供 Word 原文")
    return text
