"""一企一册: the PDF reads back in Chinese; the ZIP of a filtered list is a background job."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader

from anjian.core.models import Job
from anjian.enterprises.dossier import DossierSection, build_pdf, register_section
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
