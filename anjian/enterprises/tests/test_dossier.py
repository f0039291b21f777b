"""一企一册: the PDF reads back in Chinese; the ZIP of a filtered list is a background job."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader

from anjian.core.models import Job
from anjian.enterprises.dossier import DossierSection, build_pdf, build_zip, register_section
from anjian.enterprises.tasks import build_dossier_zip, zip_path
from anjian.enterprises.tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_dossier_pdf_contains_name_code_and_sections(pair, client, town_a):
    enterprise, _ = pair
    client.force_login(town_a)
    response = client.get(f"/enterprises/{enterprise.pk}/dossier.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert enterprise.name in text and enterprise.credit_code in text
    assert "一企一册" in text and "证照与资质" in text and "隐患排查治理" in text


def test_later_modules_fill_their_section(pair):
    enterprise, _ = pair
    register_section(
        DossierSection(
            "dangers", "四、隐患排查治理", 40, lambda e: [("一般隐患", "3项，已整改2项")]
        )
    )
    try:
        assert "3项，已整改2项" in _text(build_pdf(enterprise))
    finally:
        register_section(
            DossierSection("dangers", "四、隐患排查治理", 40, lambda e: [], "本模块暂无记录")
        )


def test_zip_of_the_filtered_list_is_built_in_the_background(
    pair, client, town_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(town_a)
    response = client.post("/enterprises/dossiers/", {"status": "operating"})
    job = Job.objects.get()
    assert response.url == f"/jobs/{job.pk}/"
    # The queued task (on commit, which the test transaction never reaches), run here.
    result = build_dossier_zip.apply(
        args=[town_a.pk, {"status": "operating"}], task_id=job.task_id
    ).get()
    assert result["count"] == 1
    archive = zipfile.ZipFile(zip_path(job.task_id))
    [name] = archive.namelist()
    assert pair[0].credit_code in name
    job.refresh_from_db()
    assert job.progress == 100
    download = client.get(result["download"])
    assert download.status_code == 200


def test_the_dossier_is_chinese_for_a_user_of_the_english_pages(client, town_a, towns, settings):
    """An official book: coded values are not switched to English by the user's language."""
    enterprise = make_enterprise(towns[0], status="suspended", standardisation_grade="2")
    client.force_login(town_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = _text(client.get(f"/enterprises/{enterprise.pk}/dossier.pdf").content)
    assert "停产" in text and "二级" in text
    assert "Suspended" not in text and "Grade 2" not in text


def _fonts(data: bytes) -> list[tuple[str, bool]]:
    """(base font, embedded) of every font any page of the PDF uses."""
    fonts = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            fonts.append((str(font["/BaseFont"]), embedded))
    return fonts


def test_the_dossier_embeds_a_subset_of_its_cjk_font(pair):
    """Issue 10, defect 6: no STSong-Light CID font that viewers without the font pack leave
    blank; every font the pages use is a TrueType subset embedded in the file."""
    enterprise, _ = pair
    data = build_pdf(enterprise)
    fonts = _fonts(data)
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert any("UMing" in name for name, _embedded in fonts)
    assert "STSong" not in data.decode("latin-1")
    assert "滕州市鑫源化工有限公司" in _text(data) and "统一社会信用代码" in _text(data)


def test_markup_in_an_enterprise_is_text_not_markup(client, town_a, towns):
    """Issue 11, defect 3: ``<script>`` answered 500 and ``<img src=…>`` embedded a server file."""
    enterprise = make_enterprise(
        towns[0],
        name="滕州<script>alert(1)</script>&amp;有限公司",
        address='<img src="/etc/hostname"/><a href="http://example.com">点</a>',
        principal='<font face="Courier">张三</font>',
    )
    client.force_login(town_a)
    response = client.get(f"/enterprises/{enterprise.pk}/dossier.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert all("/XObject" not in page["/Resources"] for page in reader.pages)
    assert all("/Annots" not in page for page in reader.pages)
    text = _text(response.content)
    for written in (enterprise.name, enterprise.address, enterprise.principal):
        assert written in text


def test_one_bad_enterprise_does_not_fail_the_zip(pair, monkeypatch):
    first, second = pair

    def broken(enterprise):
        if enterprise.pk == first.pk:
            raise ValueError("这一家坏了")
        return [("正常", "好")]

    register_section(DossierSection("dangers", "四、隐患排查治理", 40, broken))
    try:
        data, failed = build_zip([first, second])
    finally:
        register_section(
            DossierSection("dangers", "四、隐患排查治理", 40, lambda e: [], "本模块暂无记录")
        )
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert failed == 1
    assert [name for name in archive.namelist() if name.endswith(".pdf")] == [
        f"{second.credit_code}_{second.name}.pdf"
    ]
    errors = archive.read("错误.txt").decode()
    assert first.credit_code in errors and "这一家坏了" in errors


def test_a_name_cannot_point_outside_the_zip_folder(towns):
    enterprise = make_enterprise(towns[0], name="../../etc/滕州\\有限公司\n")
    data, failed = build_zip([enterprise])
    [name] = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert failed == 0 and "/" not in name and "\\" not in name and ".." not in name.split("_")[0]
    assert name == f"{enterprise.credit_code}__.._etc_滕州_有限公司.pdf"


def test_a_missing_font_is_said_plainly(client, town_a, pair, settings, tmp_path):
    from django.core.management import call_command

    from anjian.enterprises import dossier

    settings.DOSSIER_FONT = tmp_path / "nowhere.ttc"
    dossier._fonts.cache_clear()
    try:
        assert [m.id for m in dossier.check_font()] == ["anjian.W001"]
        client.force_login(town_a)
        response = client.get(f"/enterprises/{pair[0].pk}/dossier.pdf")
        assert response.status_code == 503
        assert "fonts-arphic-uming" in response.content.decode()
        call_command("check")  # a warning: the rest of the platform still starts
    finally:
        dossier._fonts.cache_clear()
