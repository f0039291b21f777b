"""Attachments: judged by content, stored under safe names, served only within scope."""

import io
import zipfile
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client
from PIL import Image

from anjian.core.attachments import BadFile, build_derivatives, safe_original_name, store
from anjian.core.lifecycle_models import Attachment

pytestmark = pytest.mark.django_db


def _exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0132] = "2026:11:30 09:15:00"
    exif.get_ifd(0x8769)[36867] = "2026:11:30 09:15:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (35.0, 5.0, 24.0)
    gps[3], gps[4] = "E", (117.0, 9.0, 36.0)
    return exif


def jpeg(name: str = "现场照片.jpg", *, exif: bool = True, size=(64, 48)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=_exif_with_gps() if exif else b"")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_a_photo_keeps_its_capture_time_and_location(
    cast, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attachment = store(ticket, jpeg(), actor=cast["enterprise"])
    assert attachment.mime_type == "image/jpeg"
    assert attachment.original_name == "现场照片.jpg"
    assert attachment.file.name.startswith("attachments/") and "现场" not in attachment.file.name
    assert attachment.taken_at is not None and attachment.taken_at.hour == 9
    assert float(attachment.latitude) == pytest.approx(35.09, abs=1e-4)
    assert float(attachment.longitude) == pytest.approx(117.16, abs=1e-4)
    assert default_storage.exists(attachment.file.name)


def test_documents_are_judged_by_content():
    from anjian.core.attachments.sniff import sniff

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert sniff(io.BytesIO(pdf), len(pdf))[0].mime_type == "application/pdf"
    docx = _docx()
    assert sniff(io.BytesIO(docx), len(docx))[0].extension == ".docx"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("照片.jpg", b"MZ\x90\x00" + b"\x00" * 200, "不支持的文件类型"),
        ("报告.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "不支持的文件类型"),
        ("截断.jpg", None, "损坏"),
        ("截断.pdf", b"%PDF-1.4\n1 0 obj", "不完整"),
        ("压缩.docx", b"PK\x03\x04" + b"\x00" * 40, "损坏"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(cast, ticket, name, content, reason):
    if content is None:
        content = jpeg().read()[:300]
    with pytest.raises(BadFile) as refused:
        store(ticket, SimpleUploadedFile(name, content), actor=cast["enterprise"])
    assert reason in str(refused.value.message)
    assert not Attachment.objects.exists()


def test_a_200_mb_upload_is_refused_before_it_is_read(cast, ticket):
    uploaded = TemporaryUploadedFile("大文件.pdf", "application/pdf", 200 * 1024 * 1024, None)
    uploaded.file.truncate(200 * 1024 * 1024)  # sparse: no 200 MB written to disk
    with pytest.raises(BadFile) as refused:
        store(ticket, uploaded, actor=cast["enterprise"])
    assert "过大" in str(refused.value.message)
    assert not Attachment.objects.exists()


def test_a_decompression_bomb_is_refused(cast, ticket, settings):
    settings.ATTACHMENT_MAX_PIXELS = 1000
    with pytest.raises(BadFile) as refused:
        store(ticket, jpeg(size=(100, 100)), actor=cast["enterprise"])
    assert "像素过多" in str(refused.value.message)


def test_the_original_name_is_made_safe():
    assert safe_original_name("../../etc/整改\x00报告.pdf") == "整改报告.pdf"
    assert safe_original_name("C:\\Users\\张三\\照片.jpg") == "照片.jpg"


def test_download_keeps_the_chinese_name_and_strips_exif_for_others(
    cast, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attachment = store(ticket, jpeg(), actor=cast["enterprise"])
    town = Client()
    town.force_login(cast["town"])
    answer = town.get(f"/attachments/{attachment.pk}/")
    assert answer.status_code == 200
    assert f"filename*=utf-8''{quote('现场照片.jpg')}" in answer["Content-Disposition"]
    served = Image.open(io.BytesIO(b"".join(answer.streaming_content)))
    assert not served.getexif()
    uploader = Client()
    uploader.force_login(cast["enterprise"])
    original = Image.open(
        io.BytesIO(b"".join(uploader.get(f"/attachments/{attachment.pk}/").streaming_content))
    )
    assert original.getexif().get_ifd(0x8825)
    stranger = Client()
    stranger.force_login(cast["other_town"])
    assert stranger.get(f"/attachments/{attachment.pk}/").status_code == 404


def test_thumbnails_and_clean_copies_are_built_in_the_background(
    cast, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attachment = store(ticket, jpeg(size=(800, 600)), actor=cast["enterprise"])
    assert build_derivatives(attachment.pk)
    attachment.refresh_from_db()
    thumb = Image.open(default_storage.open(attachment.thumbnail.name))
    assert max(thumb.size) <= 320
    assert not Image.open(default_storage.open(attachment.clean_file.name)).getexif()
    client = Client()
    client.force_login(cast["town"])
    assert client.get(f"/attachments/{attachment.pk}/thumbnail/").status_code == 200


def test_upload_from_a_form_and_from_the_api(cast, ticket):
    client = Client()
    client.force_login(cast["enterprise"])
    answer = client.post(
        f"/attachments/lifecycle_app.ticket/{ticket.pk}/upload/",
        {"file": jpeg(), "next": "/inbox/"},
    )
    assert answer.status_code == 302
    api = client.post(
        f"/api/v1/attachments/lifecycle_app.ticket/{ticket.pk}",
        {"file": SimpleUploadedFile("说明.docx", _docx())},
    )
    assert api.status_code == 201, api.content
    assert api.json()["name"] == "说明.docx"
    bad = client.post(
        f"/api/v1/attachments/lifecycle_app.ticket/{ticket.pk}",
        {"file": SimpleUploadedFile("病毒.jpg", b"MZ" + b"\x00" * 50)},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "bad_file"
    listed = client.get(f"/api/v1/attachments/lifecycle_app.ticket/{ticket.pk}").json()
    assert len(listed) == 2
    other = Client()
    other.force_login(cast["other_town"])
    assert (
        other.post(
            f"/api/v1/attachments/lifecycle_app.ticket/{ticket.pk}", {"file": jpeg()}
        ).status_code
        == 404
    )


def test_an_iphone_heic_photo_is_accepted_and_served_to_others_as_jpeg(
    cast, ticket, django_capture_on_commit_callbacks
):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 40)).save(out, "HEIF")
    with django_capture_on_commit_callbacks(execute=True):
        attachment = store(
            ticket, SimpleUploadedFile("IMG_0001.HEIC", out.getvalue()), actor=cast["enterprise"]
        )
    assert attachment.mime_type == "image/heic" and attachment.file.name.endswith(".heic")
    client = Client()
    client.force_login(cast["town"])
    answer = client.get(f"/attachments/{attachment.pk}/")
    assert answer["Content-Type"] == "image/jpeg"
    assert 'filename="IMG_0001.jpg"' in answer["Content-Disposition"]
    assert Image.open(io.BytesIO(b"".join(answer.streaming_content))).format == "JPEG"


def test_the_api_serves_the_file_within_scope(cast, ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        attachment = store(ticket, jpeg(), actor=cast["enterprise"])
    town = Client()
    town.force_login(cast["town"])
    answer = town.get(f"/api/v1/attachment-files/{attachment.pk}")
    assert answer.status_code == 200
    assert not Image.open(io.BytesIO(b"".join(answer.streaming_content))).getexif()
    stranger = Client()
    stranger.force_login(cast["other_town"])
    missing = stranger.get(f"/api/v1/attachment-files/{attachment.pk}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
