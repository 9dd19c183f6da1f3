"""What the 数据导入 page tells a user about a file it could not take, in Chinese, with what
to do about it. dashboard/uploads.py decides what is refused; this only says it."""
from __future__ import annotations

from dashboard.uploads import extension

# extension -> (what it is, what to do)
ADVICE: dict[str, str] = {
    ".doc": "Word 97-2003 格式(.doc)无法读取:请在 Word 或 WPS 中“另存为” .docx 后再上传",
    ".wps": "WPS 文字格式(.wps)无法读取:请在 WPS 中“另存为” .docx 后再上传",
    ".rtf": "RTF 格式无法读取:请“另存为” .docx 后再上传",
    ".odt": "ODT 格式无法读取:请“另存为” .docx 后再上传",
    ".xls": "表格文件不是报告:报告请上传 .docx/.pdf/.txt;导入清单请另存为 .csv",
    ".xlsx": "表格文件不是报告:报告请上传 .docx/.pdf/.txt;导入清单请另存为 .csv,在“导入清单”处上传",
    ".csv": "CSV 文件不是报告:导入清单请在下方“导入清单”处上传",
    ".jpg": "图片无法识别文字:请上传含文字层的 PDF 或 Word 文件",
    ".jpeg": "图片无法识别文字:请上传含文字层的 PDF 或 Word 文件",
    ".png": "图片无法识别文字:请上传含文字层的 PDF 或 Word 文件",
    ".tif": "图片无法识别文字:请上传含文字层的 PDF 或 Word 文件",
    ".tiff": "图片无法识别文字:请上传含文字层的 PDF 或 Word 文件",
    ".rar": "RAR 压缩包无法读取:请解压后重新压缩为 .zip 再上传",
    ".7z": "7z 压缩包无法读取:请解压后重新压缩为 .zip 再上传",
    ".ppt": "演示文稿不是报告:请上传报告的 .docx 或 .pdf",
    ".pptx": "演示文稿不是报告:请上传报告的 .docx 或 .pdf",
    ".ofd": "OFD 版式文件无法读取:请导出为 PDF 后再上传",
}
GENERIC = "无法读取此类文件:请上传 .docx、.pdf、.txt、.html 或 .zip"


def refusal(name: str, reason: str) -> str:
    """The reason shown for a skipped upload: the advice for its type when the type was
    the problem, else the uploads module's own (already Chinese) reason."""
    if reason.startswith("不支持的文件类型"):
        return ADVICE.get(extension(name), GENERIC + f"(此文件为 {extension(name) or '无扩展名'})")
    return reason


def summary(ingested: int, reports: int, unchanged: int, rejected: int, skipped: int) -> tuple[str, str]:
    """(kind, text) for the result line: success only when something was imported and
    nothing refused; warning when some were refused; error when nothing came in."""
    parts = [f"导入 {ingested} 个文件({reports} 篇报告)"]
    if unchanged:
        parts.append(f"{unchanged} 个已导入过、未变")
    if rejected:
        parts.append(f"拒收 {rejected} 个")
    if skipped:
        parts.append(f"跳过 {skipped} 个(类型不支持或超出限制)")
    text = ",".join(parts) + "。"
    if ingested and not (rejected or skipped):
        return "success", text
    if ingested or unchanged:
        return "warning", text + "被拒收或跳过的文件及原因见下表。" if (rejected or skipped) else text
    return "error", text + "没有新的报告入库;原因见下表。"
