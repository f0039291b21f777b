"""An import's reasons speak the language of the user who runs it, on the page and in the
annotated workbook; the file's own sheet names and headers stay Chinese (the file format)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from anjian.enterprises.excel import write_workbook
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.test_importer import row
from anjian.enterprises.tests.test_licence_import import licence

pytestmark = pytest.mark.django_db

# One reason of each source: the credit-code check, the row checks, the licence sheet's date.
REASONS = {
    "en": [
        "Wrong check character: the 18th character should be",
        "Town / street “无此镇” does not exist",
        "Phone number “123” is invalid",
        "Date “不详” not recognised; write it as YYYY-MM-DD",
    ],
    "zh-hans": [
        "校验码错误：第18位应为",
        "镇街“无此镇”不存在",
        "电话“123”格式不正确",
        "日期“不详”无法识别，请写作YYYY-MM-DD",
    ],
}


def _bad_workbook() -> io.BytesIO:
    good = row()
    data = io.BytesIO(
        write_workbook(
            [
                good,
                row(credit_code="91370481MA3C0000X0"),
                row(town="无此镇", principal_phone="123"),
            ],
            {},
            licences=[licence(good[0], issued_on="不详")],
        )
    )
    data.name = "bad.xlsx"
    return data


@pytest.mark.parametrize(("language", "other"), [("en", "zh-hans"), ("zh-hans", "en")])
def test_import_reasons_on_the_page_and_in_the_annotated_workbook_follow_the_user(
    client, city, settings, tmp_path, language, other
):
    settings.VAR_DIR = tmp_path
    client.force_login(city)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post("/enterprises/import/", {"file": _bad_workbook()})
    page = response.content.decode()
    assert [r for r in REASONS[language] if r not in page] == []
    assert [r for r in REASONS[other] if r in page] == []
    assert not Enterprise.objects.exists()

    download = client.get(f"/enterprises/import/{response.context['token']}/errors.xlsx")
    annotated = load_workbook(io.BytesIO(download.content))
    assert annotated.sheetnames[:2] == ["企业名录", "证照"]
    comments = "\n".join(
        cell.comment.text
        for sheet in annotated.worksheets
        for line in sheet.iter_rows()
        for cell in line
        if cell.comment
    )
    assert [r for r in REASONS[language] if r not in comments] == []
    assert [r for r in REASONS[other] if r in comments] == []
