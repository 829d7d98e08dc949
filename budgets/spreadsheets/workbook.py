"""Opening an uploaded workbook safely and reading its cells exactly (no models here).

An upload is checked before openpyxl sees it: its size (`IMPORT_MAX_BYTES`), that it is a
zip holding a workbook, that no member inflates beyond a sane size or ratio (a zip bomb), and
that the parts openpyxl loads whole even in read-only mode (the shared-strings table, styles,
the workbook and its relationships) stay small: they are streamed through expat first, and
counted, so a file of millions of tiny shared strings is refused after reading at most the
cap. openpyxl then reads it in read-only mode with defusedxml (XML bombs raise), cached
formula values rather than formulas, and without trusting the sheet's declared dimensions (a
sheet can claim 16,384 columns × 1,048,576 rows). Rows are streamed, never copied whole, so
the memory a file takes is bounded by these limits, not by its size.
"""

import contextlib
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from xml.parsers import expat

from django.conf import settings

from budgets.money import FEN, TEN_THOUSAND
from budgets.sanitize import FORMULA_TRIGGERS

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_ROWS = 20_000
INFLATE_FACTOR = 20  # all members together may inflate to 20 × the upload limit
MAX_RATIO = 100  # a member over 1 MB may not be more than 100 × its compressed size
MAX_MEMBERS = 1000
MAX_COLUMNS = 50  # cells right of this column are never read
BLANK_ROW_ALLOWANCE = 1000  # rows (blank ones included) a sheet may have beyond the limit
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx
WHOLE_PART_MAX_BYTES = 16 * 1024 * 1024  # a part openpyxl loads whole, inflated
WHOLE_PART_MAX_ELEMENTS = 500_000  # XML elements in such a part (styles, workbook …)
SHARED_STRINGS_PER_ROW = 5  # distinct texts a data row may bring, on average
SHARED_STRINGS_EXTRA = 10_000  # plus these, for titles, headers and notes
CHUNK = 64 * 1024
MAX_AMOUNT = Decimal(10) ** 14  # MoneyField: 20 digits, 6 of them decimals
MAX_COUNT = 2**31 - 1


class ImportRefused(Exception):
    """The whole file (or the whole import) is refused; the message says why, in Chinese."""


class CellError(ValueError):
    """One cell cannot be read; the message says why, in Chinese (its place is added later)."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int

    @property
    def max_inflated(self):
        return self.max_bytes * INFLATE_FACTOR

    @property
    def max_shared_strings(self):
        return self.max_rows * SHARED_STRINGS_PER_ROW + SHARED_STRINGS_EXTRA


@dataclass
class ArchiveCheck:
    """What `check_archive` read of an upload: the parts streamed whole-part checks, the
    bytes they inflated to, the shared strings counted, and the part refused (if any). Kept
    so that tests and the benchmark can show the work is bounded by the caps."""

    parts: list = field(default_factory=list)
    bytes_inflated: int = 0
    shared_strings: int = 0
    refused_part: str = ""


def limits():
    """The upload limits in force (read at call time: settings may change in tests)."""
    return Limits(
        max_bytes=getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES),
        max_rows=getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS),
    )


def megabytes(size, *, up=False):
    """A size for people with one decimal: `5.0MB`, `5.1MB`, `300.0KB` below a megabyte,
    `100字节` below a kilobyte. Rounded down, or up with `up` (a file's size), so that a file
    just over a limit never reads as the limit itself ("5.1MB，超过上限5.0MB", not "5MB，
    超过上限5MB")."""
    if size < 1024:
        return f"{size}字节"
    unit, scale = ("KB", 1024) if size < 1024 * 1024 else ("MB", 1024 * 1024)
    tenths = size * 10 / scale
    tenths = math.ceil(tenths) if up else math.floor(tenths)
    return f"{tenths / 10:.1f}{unit}"


def check_size(size):
    """Refuse an upload larger than IMPORT_MAX_BYTES."""
    limit = limits().max_bytes
    if size > limit:
        raise ImportRefused(
            f"文件大小为{megabytes(size, up=True)}，超过上限{megabytes(limit)}，未导入。"
        )


def check_archive(handle):
    """Refuse what is not an .xlsx workbook, or what would inflate too far or load too much
    into memory, before openpyxl parses any XML. Returns what was read (`ArchiveCheck`);
    leaves `handle` at its start."""
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if head == OLE_SIGNATURE:
        raise ImportRefused(
            "这是旧版 Excel（.xls）文件或加密的工作簿，请在 Excel 或 WPS 中另存为不加密的"
            "“Excel 工作簿（.xlsx）”后再上传。"
        )
    if not zipfile.is_zipfile(handle):
        raise ImportRefused(
            "文件不是 Excel 工作簿（.xlsx），或者文件已损坏。请上传从本平台下载的模板或导出的 .xlsx 文件。"
        )
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            kind = _other_kind(archive, names)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRefused("文件已损坏，无法作为 Excel 工作簿（.xlsx）打开。") from None
    finally:
        handle.seek(0)
    if "xl/workbook.xml" not in names:
        raise ImportRefused(kind)
    if len(members) > MAX_MEMBERS:
        raise ImportRefused("文件内部结构异常（部件过多），可能是恶意文件，已拒绝。")
    inflated = sum(m.file_size for m in members)
    # zipfile stops inflating a member at its declared size, so these sizes bound the work.
    if inflated > limits().max_inflated or any(
        m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1)
        for m in members
    ):
        raise ImportRefused(
            f"文件解压后过大（{megabytes(inflated, up=True)}）或压缩比异常，可能是“压缩炸弹”，已拒绝。"
        )
    try:
        with zipfile.ZipFile(handle) as archive:
            return check_whole_parts(archive, members)
    finally:
        handle.seek(0)


ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _other_kind(archive, names):
    """Why a zip that is not a workbook is refused, naming what it most likely is."""
    if "mimetype" in names and archive.read("mimetype")[:100].startswith(ODS_MIMETYPE):
        return (
            "这是 OpenDocument 表格（.ods，LibreOffice 或 WPS 的一种保存格式），不是 Excel 工作簿。"
            "请在 LibreOffice 或 WPS 中“另存为”“Excel 工作簿（.xlsx）”后再上传。"
        )
    if "word/document.xml" in names:
        return "这是 Word 文档，不是 Excel 工作簿（.xlsx）。请上传从本平台下载的模板或导出的 .xlsx 文件。"
    return (
        "文件是压缩包，但不是 Excel 工作簿（.xlsx）。请上传从本平台下载的模板或导出的 .xlsx 文件，"
        "其他格式请先另存为“Excel 工作簿（.xlsx）”。"
    )


def _loaded_whole(name):
    """Parts openpyxl reads whole into memory in read-only mode: every XML part except the
    worksheets (streamed) and what it never opens (drawings, media, printer settings)."""
    if not name.endswith((".xml", ".rels")) or name.startswith("xl/worksheets/"):
        return False
    return not name.startswith(("xl/media/", "xl/drawings/", "xl/charts/", "customXml/"))


def check_whole_parts(archive, members, report=None):
    """Stream each part openpyxl loads whole through expat and refuse the file once a part
    passes WHOLE_PART_MAX_BYTES or WHOLE_PART_MAX_ELEMENTS, or the shared-strings table
    passes `max_shared_strings` entries: at most the caps are ever read. What was read is
    added to `report` (returned), also when the file is refused."""
    report = ArchiveCheck() if report is None else report
    for member in members:
        if _loaded_whole(member.filename):
            report.parts.append(member.filename)
            _stream_part(archive, member, report)
    return report


class _PartTooLarge(Exception):
    pass


def _stream_part(archive, member, report):
    shared = member.filename.endswith("sharedStrings.xml")
    cap = limits().max_shared_strings
    counts = {"elements": 0}

    def start(name, _attrs):
        counts["elements"] += 1
        if counts["elements"] > WHOLE_PART_MAX_ELEMENTS * (10 if shared else 1):
            raise _PartTooLarge
        if shared and name.rpartition(" ")[2] == "si":
            report.shared_strings += 1
            if report.shared_strings > cap:
                raise _PartTooLarge

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = _refuse_dtd
    inflated = 0
    try:
        with archive.open(member) as part:
            while chunk := part.read(CHUNK):
                inflated += len(chunk)
                report.bytes_inflated += len(chunk)
                if inflated > WHOLE_PART_MAX_BYTES:
                    raise _PartTooLarge
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _PartTooLarge:
        report.refused_part = member.filename
        if shared:
            raise ImportRefused(
                f"文件中的文字条目过多（超过{cap}条，或解压后超过{megabytes(WHOLE_PART_MAX_BYTES)}），"
                "可能是恶意文件，已拒绝。正常的填报文件远小于此；如确有这么多行，请分成几个文件导入。"
            ) from None
        raise ImportRefused(
            f"文件内部的“{member.filename}”部件过大，可能是恶意文件，已拒绝。"
            "请在 Excel 或 WPS 中另存为新的 .xlsx 文件后再上传。"
        ) from None
    except expat.ExpatError:
        raise ImportRefused("文件已损坏，无法作为 Excel 工作簿（.xlsx）打开。") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportRefused("文件已损坏，无法作为 Excel 工作簿（.xlsx）打开。") from None


def open_workbook(handle):
    """A read-only openpyxl workbook of an upload that passed `check_archive`."""
    import openpyxl
    from defusedxml import DefusedXmlException

    check_archive(handle)
    try:
        # data_only: a formula cell gives the value the spreadsheet program last computed.
        return openpyxl.load_workbook(handle, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds (KeyError, ValueError …)
        if _caused_by(error, DefusedXmlException):  # openpyxl wraps it in a ValueError
            raise ImportRefused(UNSAFE_XML) from None
        raise ImportRefused("文件已损坏，无法作为 Excel 工作簿（.xlsx）打开。") from None


def _caused_by(error, kind):
    while error is not None:
        if isinstance(error, kind):
            return True
        error = error.__cause__ or error.__context__
    return False


UNSAFE_XML = "文件含有不允许的 XML 内容（实体声明或 DTD），可能是恶意文件，已拒绝。"


MERGED = "是合并单元格：合并后只有左上角一格有值，其余各格会被读作空白。请取消合并，在每一格填写各自的内容。"
UNCOMPUTED = (
    "此格是公式，但文件中没有保存计算结果（文件可能由程序生成，未在 Excel 或 WPS 中打开保存过）。"
    "请在 Excel 或 WPS 中打开、保存后再上传，或直接填写数字。"
)
THOUSANDS = re.compile(r"^[+-]?\d{1,3}([,，]\d{3})+(\.\d+)?$")
MAX_NOTED = 1000  # merged ranges and formula cells without a value kept per sheet


@dataclass
class SheetFacts:
    """What openpyxl's read-only rows do not tell: the merged ranges of a sheet (only
    their top-left cell holds the value; the others read as blank) and the cells holding
    a formula whose result the file never saved (they read as blank too)."""

    merged: list = field(default_factory=list)  # (min_row, min_col, max_row, max_col)
    uncomputed: set = field(default_factory=set)  # (row, column), 1-based
    uncomputed_count: int = 0


def _coordinate(reference):
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(reference)
    return row, column_index_from_string(letters)


def sheet_facts(sheet):
    """`SheetFacts` of a read-only sheet, from one streamed pass over its XML (bounded: the
    sheet's rows are capped by `sheet_rows`, and at most MAX_NOTED facts are kept)."""
    facts, cell, rows = SheetFacts(), {}, {"last": 0}
    cap = limits().max_rows + BLANK_ROW_ALLOWANCE

    def start(name, attrs):
        local = name.rpartition(" ")[2]
        if local == "row":
            number = attrs.get("r")
            rows["last"] = int(number) if number and number.isdigit() else rows["last"] + 1
            if rows["last"] > cap:
                raise ImportRefused(_too_many_rows(sheet, cap))
        elif local == "c":
            cell.clear()
            cell["ref"] = attrs.get("r")
        elif local == "f":
            cell["formula"] = True
        elif local == "v":
            cell["in_value"] = True
        elif local == "mergeCell" and len(facts.merged) < MAX_NOTED:
            first, _, last = attrs.get("ref", "").partition(":")
            try:
                (r1, c1), (r2, c2) = _coordinate(first), _coordinate(last or first)
            except ValueError:
                return
            facts.merged.append((r1, c1, r2, c2))

    def data(text_):
        if cell.get("in_value") and text_.strip():
            cell["value"] = True

    def end(name):
        local = name.rpartition(" ")[2]
        if local == "v":
            cell["in_value"] = False
        elif local == "c" and cell.get("formula") and not cell.get("value") and cell.get("ref"):
            facts.uncomputed_count += 1
            if len(facts.uncomputed) < MAX_NOTED:
                with contextlib.suppress(ValueError):
                    facts.uncomputed.add(_coordinate(cell["ref"]))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = data
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = _refuse_dtd
    # openpyxl's own way to a read-only sheet's part (ReadOnlyWorksheet._get_source).
    try:
        with sheet.parent._archive.open(sheet._worksheet_path) as part:
            while chunk := part.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportRefused(f"工作表“{sheet.title}”已损坏，无法读取。") from None
    return facts


def _too_many_rows(sheet, cap):
    return f"工作表“{sheet.title}”超过{cap}行（含空行）。如果表中有大量空行，请删除后再上传。"


def _refuse_dtd(*_args):
    raise ImportRefused(UNSAFE_XML)


def sheet_rows(sheet):
    """(row number, values) of a read-only sheet, up to MAX_COLUMNS values per row. The
    sheet's declared size is ignored (it may lie); rows far past the limit refuse the file."""
    from defusedxml import DefusedXmlException

    cap = limits().max_rows + BLANK_ROW_ALLOWANCE
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    number = 0
    try:
        for number, values in enumerate(rows, start=1):
            if number > cap:
                raise ImportRefused(_too_many_rows(sheet, cap))
            yield number, values
    except ImportRefused:
        raise
    except Exception as error:
        if _caused_by(error, DefusedXmlException):
            raise ImportRefused(UNSAFE_XML) from None
        raise ImportRefused(f"工作表“{sheet.title}”已损坏，第{number + 1}行无法读取。") from None


# ---------------------------------------------------------------- cells


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def text(value):
    """A cell as trimmed text: `2010301` for a number cell holding a code, '' for blank.
    A leading apostrophe that our exports put before formula-like text is taken off."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value).strip()
    if result.startswith("'") and result[1:].startswith(FORMULA_TRIGGERS):
        result = result[1:]
    return result


def label(value):
    """Text for matching names and headers: all whitespace removed."""
    return re.sub(r"\s+", "", text(value))


def _number(value):
    """A cell as an exact Decimal, or raise CellError. A float (how xlsx stores numbers) is
    read to 15 significant digits, as Excel shows it, so 0.1+0.2 reads as 0.3."""
    if isinstance(value, bool | datetime | date | time | timedelta):
        raise CellError(f"“{text(value)}”不是有效数字。")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError("不是有效数字。")
        return Decimal(format(value, ".15g"))
    if isinstance(value, Decimal):
        number = value
    else:
        raw = text(value)
        cleaned = re.sub(r"\s", "", raw)
        if "," in cleaned or "，" in cleaned:
            # "1,5" is a decimal comma or a slip, never fifteen: only 1,234,567.89 is read.
            if not THOUSANDS.match(cleaned):
                raise CellError(
                    f"“{raw}”不是有效数字：千位分隔符（逗号）只能每三位一个，如 1,234.56；"
                    "小数点请用“.”。"
                )
            cleaned = re.sub(r"[,，]", "", cleaned)
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise CellError(f"“{raw}”不是有效数字。") from None
    if not number.is_finite():
        raise CellError(f"“{text(value)}”不是有效数字。")
    return number


def amount(value, *, unit="万元", signed=False):
    """An amount cell in the sheet's unit as Decimal 万元 (exact to the fen), or None when
    blank. 万元 allows six decimals, 元 two; negative amounts only where `signed` (增减)."""
    if is_blank(value):
        return None
    number = _number(value)
    if number < 0 and not signed:
        raise CellError("金额不能为负数。")
    if abs(number) >= (MAX_AMOUNT * TEN_THOUSAND if unit == "元" else MAX_AMOUNT):
        raise CellError(f"金额{text(value)}过大，请检查单位是否为{unit}。")
    if unit == "元":
        if number != number.quantize(Decimal("0.01")):
            raise CellError(
                f"金额{text(value)}的小数超过两位：以元为单位时最多精确到分（两位小数）。"
            )
        return number / TEN_THOUSAND
    if number != number.quantize(FEN):
        raise CellError(
            f"金额{text(value)}的小数超过六位：以万元为单位时最多精确到分（六位小数）。"
        )
    return number


def count(value):
    """A whole number ≥ 0 (vehicles, 序号), or None when blank."""
    if is_blank(value):
        return None
    try:
        number = _number(value)
    except CellError:
        raise CellError(f"“{text(value)}”应为不小于0的整数。") from None
    if number < 0 or number != number.to_integral_value() or number > MAX_COUNT:
        raise CellError(f"“{text(value)}”应为不小于0的整数。")
    return int(number)


def exact_text(value):
    """An amount in 万元 as exact text for people: two to six decimals (`87.50`,
    `0.000001`), no float artefacts; None → '（空）'. Same form as the open-data downloads."""
    if value is None:
        return "（空）"
    exact = Decimal(value).quantize(FEN)
    if not exact:
        exact = abs(exact)
    whole, _, fraction = f"{exact:f}".partition(".")
    return f"{whole}.{fraction.rstrip('0').ljust(2, '0')}"
