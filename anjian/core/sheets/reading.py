"""Reading an upload: guarded first, then read with calamine.

Offices send ``.xlsx`` from Excel and WPS, the old ``.xls`` and LibreOffice's ``.ods``;
`python-calamine <https://github.com/dimastbk/python-calamine>`_ (Rust) reads all three, and
fast. Before anything is parsed the upload is refused with a reason the user can act on when it
is larger than ``SHEETS_MAX_UPLOAD_BYTES``, when the parts of a zip-based workbook (.xlsx,
.ods) would unpack to more than ``SHEETS_MAX_UNCOMPRESSED_BYTES`` (a "zip bomb": a 200 KB file
holding 68 MB of shared strings), or when a sheet has more than ``SHEETS_MAX_ROWS`` rows (its
dimensions are checked before its rows become Python values). A file that is no workbook, a
truncated one and an empty archive are refused the same way: :class:`WorkbookError`, whose
message is translated and names the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

__all__ = ["Book", "Limits", "Rows", "WorkbookError", "open_book", "read_upload"]

Rows = list[tuple[int, tuple[Any, ...]]]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .xls
_ZIP = b"PK\x03\x04"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_BOMB_FLOOR = 1_000_000  # members smaller than this are never suspect, however well packed
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')
_CHUNK = 1 << 20


class WorkbookError(Exception):
    """The upload is refused before or while reading it; nothing was written. The message is
    for the user (translated when raised)."""


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}"


@dataclass(frozen=True)
class Limits:
    """What an upload may be: its size, the unpacked size of a zip-based workbook, the rows of
    one sheet, and how much tighter than ``compression_ratio`` : 1 a large part of a
    zip-based workbook may be packed. Defaults from the settings (docs/configuration.md)."""

    upload_bytes: int = field(default_factory=lambda: settings.SHEETS_MAX_UPLOAD_BYTES)
    uncompressed_bytes: int = field(default_factory=lambda: settings.SHEETS_MAX_UNCOMPRESSED_BYTES)
    rows: int = field(default_factory=lambda: settings.SHEETS_MAX_ROWS)
    compression_ratio: int = field(default_factory=lambda: settings.SHEETS_MAX_COMPRESSION_RATIO)


def read_upload(upload: Any, limits: Limits | None = None) -> bytes:
    """The bytes of an uploaded file (a Django ``UploadedFile`` or any binary stream), refused
    by its size before it is read into memory."""
    limits = limits or Limits()
    size = getattr(upload, "size", None)
    name = getattr(upload, "name", "") or ""
    if size is not None and size > limits.upload_bytes:
        raise _too_large(name, size, limits)
    data: bytes = upload.read(limits.upload_bytes + 1)
    if len(data) > limits.upload_bytes:
        raise _too_large(name, len(data), limits)
    return data


def _too_large(name: str, size: int, limits: Limits) -> WorkbookError:
    return WorkbookError(
        _("文件“%(name)s”有%(size)s MB，超过上限%(limit)s MB")
        % {"name": name, "size": _megabytes(size), "limit": _megabytes(limits.upload_bytes)}
    )


@dataclass
class Book:
    """A guarded, opened workbook: ``format`` (``xlsx``, ``xls`` or ``ods``), the bytes, and
    the declared sheets found in it. ``sheet_names`` maps each declared name to the file's
    sheet read for it (the first sheet stands in for the main one when no sheet has its name);
    ``heights`` are their row counts, known before any row is read (:meth:`rows` reads)."""

    data: bytes
    name: str
    format: str
    sheet_names: dict[str, str]
    heights: dict[str, int]
    _sheets: dict[str, Any] = field(repr=False)

    @property
    def height(self) -> int:
        """The rows of every declared sheet together (headers included)."""
        return sum(self.heights.values())

    def rows(self, name: str) -> Rows:
        """(row number, cell values from column A) of the declared sheet ``name``; empty when
        the workbook has no such sheet."""
        sheet = self._sheets.get(name)
        if sheet is None:
            return []
        values = sheet.to_python(skip_empty_area=False)
        return [(number, tuple(row)) for number, row in enumerate(values, start=1)]


def _unreadable(name: str, reason: str) -> WorkbookError:
    return WorkbookError(
        _("无法读取文件“%(name)s”：%(reason)s") % {"name": name or "-", "reason": reason}
    )


def _sniff(data: bytes, name: str, limits: Limits) -> str:
    """The workbook's format from its first bytes; zip members are checked for size."""
    if len(data) > limits.upload_bytes:
        raise _too_large(name, len(data), limits)
    if not data:
        raise _unreadable(name, _("文件为空"))
    if data.startswith(_OLE2):
        return "xls"
    if not data.startswith(_ZIP):
        if data.startswith(b"PK\x05\x06"):
            raise _unreadable(name, _("压缩包中没有任何内容"))
        raise _unreadable(name, _("不是Excel或WPS工作簿（支持.xlsx、.xls、.ods）"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError):
        raise _unreadable(name, _("文件已损坏或不完整，请重新保存后上传")) from None
    with archive:
        members = archive.infolist()
        if not members:
            raise _unreadable(name, _("压缩包中没有任何内容"))
        unpacked = sum(member.file_size for member in members)
        if unpacked > limits.uncompressed_bytes or any(_bomb(m, limits) for m in members):
            raise WorkbookError(
                _("文件“%(name)s”解压后有%(size)s MB，超过上限%(limit)s MB")
                % {
                    "name": name,
                    "size": _megabytes(unpacked),
                    "limit": _megabytes(limits.uncompressed_bytes),
                }
            )
        names = {member.filename for member in members}
        if "xl/workbook.xml" in names:
            _check_declared_rows(archive, names, name, limits)
            return "xlsx"
        if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE:
            return "ods"
    raise _unreadable(name, _("不是Excel或WPS工作簿（支持.xlsx、.xls、.ods）"))


def _bomb(member: zipfile.ZipInfo, limits: Limits) -> bool:
    """A large member packed far tighter than any spreadsheet XML packs: a zip bomb, refused
    even when its total stays under the limit."""
    return member.file_size > _BOMB_FLOOR and member.file_size > limits.compression_ratio * max(
        member.compress_size, 1
    )


def _rows_in(xml: bytes) -> int:
    """The row elements in a piece of sheet XML, with or without a namespace prefix (an
    estimate good enough for a limit: ``<rowBreaks>`` counts too)."""
    return xml.count(b"<row") + xml.count(b":row ")


def _check_declared_rows(
    archive: zipfile.ZipFile, names: set[str], name: str, limits: Limits
) -> None:
    """Refuse an .xlsx with a worksheet of more rows than allowed before calamine loads it:
    by the ``<dimension>`` its head declares, or, when it declares none, by counting its
    ``<row>`` elements as it unpacks (a few milliseconds a megabyte, no parsing)."""
    for member in sorted(n for n in names if n.startswith("xl/worksheets/sheet")):
        with archive.open(member) as handle:
            head = handle.read(4096)
            found = _DIMENSION.search(head)
            if found:
                rows = int(found.group(1))
            else:
                rows, tail, chunk = 0, b"", head
                while chunk:
                    window = tail + chunk
                    tail = window[-8:]  # a tag cut in two is counted in the next window
                    rows += _rows_in(window) - _rows_in(tail)
                    chunk = handle.read(_CHUNK)
                rows += _rows_in(tail)
        if rows > limits.rows + 2:
            raise _too_many_rows(name, rows, limits)


def _too_many_rows(name: str, rows: int, limits: Limits) -> WorkbookError:
    return WorkbookError(
        _("文件“%(name)s”有%(rows)s行，超过上限%(limit)s行，请分成几个文件导入")
        % {"name": name, "rows": rows, "limit": limits.rows}
    )


def open_book(
    source: bytes | IO[bytes] | Book,
    names: Sequence[str],
    *,
    filename: str = "",
    limits: Limits | None = None,
) -> Book:
    """Guard and open a workbook, finding the declared sheets ``names`` (the first is the main
    sheet: the workbook's first sheet stands in when no sheet bears its name). Raises
    :class:`WorkbookError`; reads no row yet."""
    if isinstance(source, Book):
        return source
    limits = limits or Limits()
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        source.seek(0)
        data = source.read(limits.upload_bytes + 1)
        filename = filename or getattr(source, "name", "") or ""
    kind = _sniff(data, filename, limits)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = workbook.sheet_names
        chosen: dict[str, str] = {}
        for position, wanted in enumerate(names):
            if wanted in sheets:
                chosen[wanted] = wanted
            elif position == 0 and sheets:
                chosen[wanted] = sheets[0]
        loaded = {wanted: workbook.get_sheet_by_name(actual) for wanted, actual in chosen.items()}
        heights = {wanted: sheet.end[0] + 1 if sheet.end else 0 for wanted, sheet in loaded.items()}
    # calamine raises its own errors for most damage, and a Rust panic (not an Exception
    # subclass of ours to name) for some truncated files: either way the file is unreadable.
    except (CalamineError, OSError, ValueError, KeyError, BaseException) as problem:
        if isinstance(problem, KeyboardInterrupt | SystemExit):
            raise
        raise _unreadable(filename, _("文件已损坏或不完整，请重新保存后上传")) from problem
    for height in heights.values():
        if height > limits.rows + 2:  # the header and description rows come on top
            raise _too_many_rows(filename, height, limits)
    return Book(data, filename, kind, chosen, heights, loaded)
