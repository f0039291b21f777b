"""The enterprise four-colour map: the layout image, zones validated server-side, scoped."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from anjian.core.attachments import store
from anjian.risks import services
from anjian.risks.models import RiskZone
from anjian.risks.tests.conftest import LEC_HIGH, LEC_LOW, point_with

pytestmark = pytest.mark.django_db


def layout_png(width: int = 800, height: int = 500) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _layout(enterprise: Any, actor: Any) -> Any:
    layout = services.add_plant_layout(enterprise, actor=actor)
    store(layout, SimpleUploadedFile("厂区.png", layout_png(), "image/png"), actor=actor)
    return layout


@pytest.mark.parametrize(
    "polygon",
    [None, [[1, 1], [2, 2]], [[1, 1], [2, 2], [900, 3]], [[1, 1], [1, 1], [1, 1]],
     [[1, "a"], [2, 2], [3, 1]], [[True, 1], [2, 2], [3, 1]], [[1, 1, 1], [2, 2], [3, 1]],
     [[1, 1]] * 201],
)  # fmt: skip
def test_bad_polygons_are_refused(polygon: Any) -> None:
    with pytest.raises(ValidationError):
        services.check_polygon(polygon, 800, 500)


def test_a_zone_takes_the_colour_of_its_worst_point(pair: Any, manager_a: Any) -> None:
    layout = _layout(pair[0], manager_a)
    low = point_with(pair[0], manager_a, LEC_LOW)
    high = point_with(pair[0], manager_a, LEC_HIGH)
    zone = services.add_zone(
        layout, {"name": "罐区", "polygon": [[10, 10], [200, 10], [100, 300]]},
        actor=manager_a, points=[low, high],
    )  # fmt: skip
    assert services.zone_level(zone) == "high"
    assert zone.polygon == [[10.0, 10.0], [200.0, 10.0], [100.0, 300.0]]


def test_a_zone_needs_an_image_and_points_of_its_enterprise(
    pair: Any, manager_a: Any, city: Any
) -> None:
    layout = services.add_plant_layout(pair[0], actor=manager_a)
    with pytest.raises(ValidationError):
        services.add_zone(layout, {"name": "x", "polygon": [[1, 1], [2, 1], [1, 2]]},
                          actor=manager_a)  # fmt: skip
    store(layout, SimpleUploadedFile("厂区.png", layout_png(), "image/png"), actor=manager_a)
    foreign = point_with(pair[1], city, LEC_LOW)
    with pytest.raises(ValidationError):
        services.add_zone(layout, {"name": "x", "polygon": [[1, 1], [2, 1], [1, 2]]},
                          actor=city, points=[foreign])  # fmt: skip


def test_the_page_saves_a_drawn_zone_and_refuses_foreign_points(
    pair: Any, manager_a: Any, city: Any
) -> None:
    layout = _layout(pair[0], manager_a)
    point = point_with(pair[0], manager_a, LEC_HIGH)
    foreign = point_with(pair[1], city, LEC_LOW)
    client = Client()
    client.force_login(manager_a)
    url = f"/risks/enterprises/{pair[0].pk}/plant/zones/"
    client.post(url, {"name": "装置区", "polygon": "[[5,5],[50,5],[20,40]]", "points": [point.pk]})
    zone = RiskZone.objects.get(layout=layout)
    assert list(zone.points.all()) == [point]
    client.post(url, {"name": "外企", "polygon": "[[5,5],[50,5],[20,40]]",
                      "points": [foreign.pk]})  # fmt: skip
    client.post(url, {"name": "坏", "polygon": "not json"})
    assert RiskZone.objects.count() == 1
    page = client.get(f"/risks/enterprises/{pair[0].pk}/plant/").content.decode()
    assert '"level": "high"' in page and "plant-map" in page
    pair[0].refresh_from_db()
    from anjian.enterprises.dossier import SECTIONS

    assert ("四色图区域：装置区", "较大风险；风险点：液氨储罐区") in SECTIONS["risks"].rows(pair[0])


def test_the_dossier_draws_the_plant_map_with_its_zones(
    pair: Any, manager_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from pypdf import PdfReader
    from reportlab.graphics.shapes import Image as DrawnImage
    from reportlab.graphics.shapes import Polygon, String

    from anjian.enterprises.dossier import SECTIONS, build_pdf

    point = point_with(pair[0], manager_a, LEC_HIGH)
    assert SECTIONS["risks"].figures is not None
    assert SECTIONS["risks"].figures(pair[0]) == []  # no layout: no figure
    with django_capture_on_commit_callbacks(execute=True):  # the file is written on commit
        layout = _layout(pair[0], manager_a)
    (bare,) = SECTIONS["risks"].figures(pair[0])  # no zone yet: the image alone
    assert [type(s) for s in bare.getContents()] == [DrawnImage]
    services.add_zone(layout, {"name": "<b>装置区</b>", "polygon": [[0, 0], [400, 0], [400, 250]]},
                      actor=manager_a, points=[point])  # fmt: skip
    (drawing,) = SECTIONS["risks"].figures(pair[0])
    shapes = drawing.getContents()
    assert [type(s) for s in shapes] == [DrawnImage, Polygon, String]
    assert shapes[1].fillColor.hexval()[:8] == "0xf47b20"  # high: orange
    assert shapes[2].text == "<b>装置区</b>"  # a plain string, never markup
    assert round(drawing.width) == round(170 * 72 / 25.4)  # 800 px scaled to 170 mm
    pdf = PdfReader(io.BytesIO(build_pdf(pair[0])))
    assert sum(len(page.images) for page in pdf.pages) == 1  # the layout image
