"""What a file really is, judged by its content against the allow-list, and a photo's metadata.

Nothing here trusts the file name or the browser's content type: a renamed executable, a
truncated JPEG, an image whose pixel count would exhaust memory (a decompression bomb) or a zip
that expands a thousandfold are refused with a reason the user can read.
"""

from __future__ import annotations

import io
import zipfile
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC photos (iPhones) where the wheel with libheif is installed
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - the lock file installs it
    HEIC_SUPPORTED = False

__all__ = ["BadFile", "Sniffed", "sniff", "strip_metadata", "thumbnail"]

IMAGE_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "HEIF": "image/heic",
}
OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
}
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "application/pdf": ".pdf",
}
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _DATETIME = 36867, 306


class BadFile(ValueError):
    """A file refused: ``message`` says why, in the user's language."""

    def __init__(self, message: Any) -> None:
        self.message = message
        super().__init__(str(message))


@dataclass
class Sniffed:
    mime_type: str
    extension: str
    width: int | None = None
    height: int | None = None
    taken_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    exif: dict[str, Any] = field(default_factory=dict)


def _gps_degrees(values: Any, ref: str) -> Decimal | None:
    try:
        degrees, minutes, seconds = (float(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = degrees + minutes / 60 + seconds / 3600
    if ref in {"S", "W"}:
        value = -value
    return Decimal(f"{value:.6f}")


def _photo_metadata(image: Image.Image, sniffed: Sniffed) -> None:
    exif = image.getexif()
    details = exif.get_ifd(_EXIF_IFD)
    stamp = details.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
    if stamp:
        # EXIF times carry no zone: the camera's local time, made aware in the site's zone later.
        with suppress(ValueError):
            sniffed.taken_at = datetime.strptime(  # noqa: DTZ007
                str(stamp).strip("\x00"), "%Y:%m:%d %H:%M:%S"
            )
    gps = exif.get_ifd(_GPS_IFD)
    if 2 in gps and 4 in gps:
        sniffed.latitude = _gps_degrees(gps[2], str(gps.get(1, "N")))
        sniffed.longitude = _gps_degrees(gps[4], str(gps.get(3, "E")))


def _image(content: bytes) -> Sniffed:
    limit = int(settings.ATTACHMENT_MAX_PIXELS)
    try:
        with Image.open(io.BytesIO(content)) as probe:
            image_format = probe.format or ""
            width, height = probe.size
            if image_format not in IMAGE_FORMATS:
                raise BadFile(_("不支持的图片格式"))
            if width * height > limit:
                raise BadFile(
                    _("图片像素过多（%(pixels)s），无法处理") % {"pixels": width * height}
                )
            sniffed = Sniffed(
                IMAGE_FORMATS[image_format], EXTENSIONS[IMAGE_FORMATS[image_format]], width, height
            )
            _photo_metadata(probe, sniffed)
            probe.load()  # decodes every pixel: a truncated file fails here
    except BadFile:
        raise
    except Image.DecompressionBombError as error:
        raise BadFile(_("图片像素过多，无法处理")) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise BadFile(_("图片文件已损坏或不完整")) from error
    return sniffed


def _pdf(content: bytes) -> Sniffed:
    if b"%%EOF" not in content[-2048:]:
        raise BadFile(_("PDF 文件不完整"))
    return Sniffed("application/pdf", ".pdf")


def _office(content: bytes) -> Sniffed:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise BadFile(_("文件已损坏或不完整")) from error
    if expanded > int(settings.ATTACHMENT_MAX_BYTES) * 20:
        raise BadFile(_("压缩文件解压后过大"))
    if "[Content_Types].xml" not in names:
        raise BadFile(_("不支持的文件类型"))
    for prefix, (mime, extension) in OOXML.items():
        if any(name.startswith(prefix) for name in names):
            return Sniffed(mime, extension)
    raise BadFile(_("不支持的文件类型"))


def sniff(stream: IO[bytes], size: int) -> tuple[Sniffed, bytes]:
    """The type of the uploaded content (and, for photos, its metadata), or :class:`BadFile`."""
    if size > int(settings.ATTACHMENT_MAX_BYTES):
        raise BadFile(
            _("文件过大：最大 %(limit)s MB")
            % {"limit": int(settings.ATTACHMENT_MAX_BYTES) // (1024 * 1024)}
        )
    if size == 0:
        raise BadFile(_("文件为空"))
    content = stream.read(int(settings.ATTACHMENT_MAX_BYTES) + 1)
    if len(content) > int(settings.ATTACHMENT_MAX_BYTES):
        raise BadFile(_("文件过大"))
    head = content[:16]
    if head.startswith(b"%PDF-"):
        return _pdf(content), content
    if head.startswith(b"PK\x03\x04"):
        return _office(content), content
    is_heif = content[4:8] == b"ftyp" and content[8:12] in {
        b"heic",
        b"heix",
        b"mif1",
        b"heim",
        b"heis",
        b"hevc",
        b"msf1",
    }
    if (
        head.startswith(b"\xff\xd8\xff")
        or head.startswith(b"\x89PNG\r\n\x1a\n")
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or (is_heif and HEIC_SUPPORTED)
    ):
        return _image(content), content
    raise BadFile(_("不支持的文件类型：只接受 JPEG、PNG、WebP、HEIC 图片，PDF 和 Office 文档"))


def strip_metadata(content: bytes) -> tuple[bytes, str]:
    """The image re-encoded without EXIF (no location, no camera), and its content type.

    HEIC is given as JPEG, which every browser shows.
    """
    with Image.open(io.BytesIO(content)) as image:
        image_format = image.format if image.format in {"JPEG", "PNG", "WEBP"} else "JPEG"
        # Turn the pixels upright first: without EXIF the orientation tag would be lost.
        clean = ImageOps.exif_transpose(image) or image.copy()
        clean.info.pop("exif", None)
        if image_format == "JPEG" and clean.mode not in {"RGB", "L"}:
            clean = clean.convert("RGB")
        out = io.BytesIO()
        clean.save(out, format=image_format, exif=b"")
    return out.getvalue(), IMAGE_FORMATS.get(image_format, "image/jpeg")


def thumbnail(content: bytes, size: int = 320) -> bytes:
    """A JPEG thumbnail (no metadata) at most ``size`` pixels on its longer side."""
    with Image.open(io.BytesIO(content)) as image:
        small = (ImageOps.exif_transpose(image) or image).convert("RGB")
        small.thumbnail((size, size))
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=80)
    return out.getvalue()
