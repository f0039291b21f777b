"""Pages of graded risk control: thin — parse, call a service, render."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.core import audit
from anjian.core.htmx import template_for
from anjian.core.navigation import may_open, page_of
from anjian.core.scoping import get_editable_or_404, get_visible_or_404, resolve_all_in_scope
from anjian.core.sheets import WorkbookError, read_upload
from anjian.core.updating import StaleVersion
from anjian.enterprises.models import Enterprise
from anjian.orgs import boundaries
from anjian.orgs.boundaries import town_codes_with_boundaries
from anjian.orgs.models import Boundary, SupervisionCategory, Town
from anjian.risks import cards, industry_templates, services, sheets
from anjian.risks.choices import RiskLevelChoice
from anjian.risks.forms import HazardForm, MeasureForm, PointForm, ReviewForm, plain
from anjian.risks.models import (
    CardConfirmation,
    ControlMeasure,
    Hazard,
    PlantLayout,
    RiskPoint,
    RiskZone,
)
from anjian.risks.queries import RiskFilter, counts_by_level
from anjian.standards import accident_types, hazard_factors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOWN_FILE_LIMIT = 20 * 1024 * 1024  # 21 towns of survey-grade outlines fit well within


def _download(
    data: bytes, filename: str, content_type: str, *, inline: bool = False
) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response


def _editable(enterprise: Enterprise, user: Any) -> bool:
    return Enterprise.objects.editable_by(user).filter(pk=enterprise.pk).exists()


def _level_items(counts: dict[str, int], filters: RiskFilter, url: str) -> list[dict[str, Any]]:
    labels = dict(RiskLevelChoice.choices)
    return [
        {
            "level": level,
            "label": labels[level],
            "n": n,
            "url": f"{url}?{filters.query_string(level=level)}",
        }
        for level, n in counts.items()
    ]


# --- the regional risk database -----------------------------------------------------------------


@login_required
def regional(request: HttpRequest, view: str) -> HttpResponse:
    """The regional risk database (``view="list"``: every risk point the user may see,
    filtered, counted by level) and the city's four-colour map (``view="map"``: the same
    filters over the enterprises as coloured markers, the towns shaded once loaded)."""
    if not may_open(request.user, f"risks:{view}"):
        raise Http404
    filters = RiskFilter.from_params(request.GET)
    context: dict[str, Any] = {
        "filters": filters,
        "query_string": filters.query_string(),
        "towns": Town.objects.all(),
        "categories": SupervisionCategory.objects.key_list(),
        "level_choices": RiskLevelChoice.choices,
    }
    if view == "map":
        context |= {
            "town_areas": bool(town_codes_with_boundaries()),
            "may_load_towns": Boundary.objects.editable_by(request.user).exists(),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        }
        return render(request, "risks/map.html", context)
    points = filters.points(request.user).select_related("enterprise", "enterprise__town")
    context["page"] = Paginator(points.order_by("enterprise__name", "name", "pk"), 30).get_page(
        request.GET.get("page")
    )
    counts = counts_by_level(filters.points(request.user, with_level=False))
    context["levels"] = _level_items(counts, filters, request.path)
    return render(request, template_for(request, "risks/list.html", "risks/_table.html"), context)


@login_required
@page_of("risks:list")
def risk_export(request: HttpRequest) -> HttpResponse:
    """The filtered regional database as a workbook (audited)."""
    filters = RiskFilter.from_params(request.GET)
    data, count = sheets.export_points(filters.points(request.user))
    audit.record("export", actor=request.user, detail=f"风险数据库: {count}")
    return _download(data, "风险数据库.xlsx", XLSX)


@login_required
def town_boundaries(request: HttpRequest) -> HttpResponse:
    """The city office loads the town boundaries (GeoJSON, WGS84), checked before any is
    stored; everyone else gets 404, as for a page not theirs."""
    if not Boundary.objects.editable_by(request.user).exists():
        raise Http404
    problems: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError(_("请选择文件"))
            if upload.size and upload.size > TOWN_FILE_LIMIT:
                raise ValidationError(_("文件过大"))
            try:
                collection = json.loads(upload.read())
            except (ValueError, UnicodeDecodeError):
                raise ValidationError(_("不是有效的GeoJSON文件")) from None
            loaded = boundaries.load_town_boundaries(
                collection, actor=request.user, filename=upload.name or ""
            )
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, _("已载入%(n)d个镇街的边界") % {"n": len(loaded)})
            return redirect("risks:town_boundaries")
    loaded_codes = town_codes_with_boundaries()
    towns = [(town, town.code in loaded_codes) for town in Town.objects.all()]
    context = {"towns": towns, "problems": problems, "loaded": len(loaded_codes)}
    return render(request, "risks/towns.html", context)


@login_required
@page_of("risks:mine")
def my_register(request: HttpRequest) -> HttpResponse:
    """An enterprise user's own risk register."""
    enterprise = Enterprise.objects.visible_to(request.user).first()
    if enterprise is None:
        raise Http404
    return redirect("risks:register", pk=enterprise.pk)


# --- an enterprise's register -------------------------------------------------------------------


@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """The enterprise's risk register: its points, their levels, the level's history."""
    enterprise = get_visible_or_404(Enterprise.objects.select_related("town"), request.user, pk=pk)
    points = list(
        RiskPoint.objects.visible_to(request.user)
        .filter(enterprise=enterprise)
        .prefetch_related("hazards", "measures")
        .order_by("name", "pk")
    )
    context = {
        "enterprise": enterprise,
        "points": points,
        "editable": _editable(enterprise, request.user),
        "history": enterprise.risk_level_changes.all()[:10],
        "counts": counts_by_level(RiskPoint.objects.filter(enterprise=enterprise)),
        "level_labels": dict(RiskLevelChoice.choices),
        "templates": industry_templates.TEMPLATES,
        "posts": cards.posts_of(enterprise, request.user),
    }
    return render(request, "risks/register.html", context)


@login_required
def register_export(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_visible_or_404(Enterprise.objects, request.user, pk=pk)
    data, count = sheets.export_register(
        RiskPoint.objects.visible_to(request.user).filter(enterprise=enterprise)
    )
    audit.record("export", actor=request.user, obj=enterprise, detail=f"风险分级管控清单: {count}")
    return _download(data, f"{enterprise.name}-风险分级管控清单.xlsx", XLSX)


@login_required
def register_template(request: HttpRequest) -> HttpResponse:
    return _download(sheets.template(), "风险分级管控清单模板.xlsx", XLSX)


@login_required
def register_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a register (风险分级管控清单): every row checked, all or nothing."""
    enterprise = get_editable_or_404(Enterprise.objects, request.user, pk=pk)
    errors: list[Any] = []
    problem = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problem = _("请选择文件")
        else:
            try:
                created, errors = sheets.import_register(
                    enterprise, read_upload(upload), actor=request.user, filename=upload.name or ""
                )
            except WorkbookError as error:
                problem = str(error)
            else:
                if not errors:
                    messages.success(request, _("已导入%(n)d个风险点") % {"n": created})
                    return redirect("risks:register", pk=enterprise.pk)
    context = {"enterprise": enterprise, "errors": errors, "problem": problem}
    return render(request, "risks/import.html", context)


@login_required
@require_POST
def template_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy an industry's starter list into the register, to be adapted."""
    enterprise = get_editable_or_404(Enterprise.objects, request.user, pk=pk)
    key = request.POST.get("template", "")
    try:
        created = industry_templates.apply(enterprise, key, actor=request.user)
    except KeyError:
        raise Http404 from None
    messages.success(request, _("已从模板添加%(n)d个风险点，请逐项核实调整") % {"n": created})
    return redirect("risks:register", pk=enterprise.pk)


@login_required
def point_create(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_editable_or_404(Enterprise.objects, request.user, pk=pk)
    form = PointForm(request.POST or None, initial={"emergency_phone": "119 / 120"})
    if request.method == "POST" and form.is_valid():
        try:
            point = services.create_point(enterprise, form.cleaned_data, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("风险点已登记"))
            return redirect("risks:point", pk=point.pk)
    return render(
        request,
        "risks/form.html",
        {"form": form, "enterprise": enterprise, "title": _("登记风险点")},
    )


def _point_for(request: HttpRequest, pk: int, *, write: bool = False) -> RiskPoint:
    queryset = RiskPoint.objects.select_related("enterprise", "enterprise__town")
    getter = get_editable_or_404 if write else get_visible_or_404
    point: RiskPoint = getter(queryset, request.user, pk=pk)
    return point


@login_required
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point_for(request, pk)
    hazards = list(point.hazards.all())
    names = {t.code: t.name for t in accident_types.types(accident_types.EDITION_2025)}
    factor_names = {f.code: f.name for f in hazard_factors.factors()}
    for hazard in hazards:
        setattr(hazard, "accident_names", [names.get(c, c) for c in hazard.accident_types])  # noqa: B010
        setattr(hazard, "factor_name", factor_names.get(hazard.factor_code, ""))  # noqa: B010
        for name in ("l_value", "e_value", "c_value", "residual_l", "residual_e", "residual_c"):
            setattr(hazard, f"{name}_shown", plain(getattr(hazard, name)))
    context = {
        "point": point,
        "enterprise": point.enterprise,
        "hazards": hazards,
        "measures": list(point.measures.all()),
        "editable": _editable(point.enterprise, request.user),
        "confirmations": point.confirmations.count(),
        "review_form": ReviewForm(),
    }
    return render(request, "risks/point.html", context)


@login_required
def point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point_for(request, pk, write=True)
    initial = {name: getattr(point, name) for name in services.POINT_FIELDS}
    form = PointForm(request.POST or None, initial={**initial, "version": services.version(point)})
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.update_point(
                point, form.cleaned_data, actor=request.user,
                expected_version=form.cleaned_data["version"] or None,
            )  # fmt: skip
        except StaleVersion:
            conflict = True
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("风险点已保存"))
            return redirect("risks:point", pk=point.pk)
    context = {
        "form": form,
        "enterprise": point.enterprise,
        "point": point,
        "conflict": conflict,
        "title": _("编辑风险点"),
        "delete_url": "risks:point_delete",
        "delete_pk": point.pk,
    }
    return render(request, "risks/form.html", context)


@login_required
@require_POST
def point_delete(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point_for(request, pk, write=True)
    enterprise_id = point.enterprise_id
    services.delete_point(point, actor=request.user)
    messages.success(request, _("风险点已删除"))
    return redirect("risks:register", pk=enterprise_id)


@login_required
@require_POST
def point_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A change, an accident or a new standard: the point is due for re-evaluation soon."""
    point = _point_for(request, pk, write=True)
    form = ReviewForm(request.POST)
    if form.is_valid():
        services.require_review(point, form.cleaned_data["reason"], actor=request.user)
        messages.success(request, _("已要求再评估"))
    return redirect("risks:point", pk=point.pk)


def _save(form: Any, action: Any) -> tuple[bool, bool]:
    """Run a service with the form's data; (saved, conflict)."""
    try:
        action(form.cleaned_data)
    except StaleVersion:
        return False, True
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            form.add_error(None, error)
        return False, False
    return True, False


@login_required
def hazard_add(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point_for(request, pk, write=True)
    form = HazardForm(request.POST or None, initial={"method": "lec", "factor_code": "21"})
    if request.method == "POST" and form.is_valid():
        saved, _conflict = _save(
            form, lambda data: services.add_hazard(point, data, actor=request.user)
        )
        if saved:
            messages.success(request, _("危险有害因素已添加，风险等级已计算"))
            return redirect("risks:point", pk=point.pk)
    return render(
        request,
        "risks/hazard_form.html",
        {
            "form": form,
            "point": point,
            "enterprise": point.enterprise,
            "title": _("添加危险有害因素"),
        },
    )


@login_required
def hazard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    hazard: Hazard = get_editable_or_404(
        Hazard.objects.select_related("risk_point__enterprise"), request.user, pk=pk
    )
    point = hazard.risk_point
    form = HazardForm(
        request.POST or None,
        initial={**HazardForm.initial_of(hazard), "version": services.version(hazard)},
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        saved, conflict = _save(
            form,
            lambda data: services.update_hazard(
                hazard, data, actor=request.user, expected_version=data["version"] or None
            ),
        )
        if saved:
            messages.success(request, _("危险有害因素已保存，风险等级已重新计算"))
            return redirect("risks:point", pk=point.pk)
    context = {
        "form": form,
        "point": point,
        "enterprise": point.enterprise,
        "hazard": hazard,
        "conflict": conflict,
        "title": _("编辑危险有害因素"),
        "delete_url": "risks:hazard_delete",
        "delete_pk": hazard.pk,
    }
    return render(request, "risks/hazard_form.html", context)


@login_required
@require_POST
def hazard_delete(request: HttpRequest, pk: int) -> HttpResponse:
    hazard: Hazard = get_editable_or_404(Hazard.objects, request.user, pk=pk)
    point_id = hazard.risk_point_id
    services.delete_hazard(hazard, actor=request.user)
    return redirect("risks:point", pk=point_id)


@login_required
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point_for(request, pk, write=True)
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved, _conflict = _save(
            form, lambda data: services.add_measure(point, data, actor=request.user)
        )
        if saved:
            messages.success(request, _("管控措施已添加"))
            return redirect("risks:point", pk=point.pk)
    return render(
        request,
        "risks/form.html",
        {"form": form, "point": point, "enterprise": point.enterprise, "title": _("添加管控措施")},
    )


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure: ControlMeasure = get_editable_or_404(
        ControlMeasure.objects.select_related("risk_point__enterprise"), request.user, pk=pk
    )
    point = measure.risk_point
    initial = {name: getattr(measure, name) for name in services.MEASURE_FIELDS}
    form = MeasureForm(
        request.POST or None, initial={**initial, "version": services.version(measure)}
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        saved, conflict = _save(
            form,
            lambda data: services.update_measure(
                measure, data, actor=request.user, expected_version=data["version"] or None
            ),
        )
        if saved:
            messages.success(request, _("管控措施已保存"))
            return redirect("risks:point", pk=point.pk)
    context = {
        "form": form,
        "point": point,
        "enterprise": point.enterprise,
        "conflict": conflict,
        "title": _("编辑管控措施"),
        "delete_url": "risks:measure_delete",
        "delete_pk": measure.pk,
    }
    return render(request, "risks/form.html", context)


@login_required
@require_POST
def measure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    measure: ControlMeasure = get_editable_or_404(ControlMeasure.objects, request.user, pk=pk)
    point_id = measure.risk_point_id
    services.delete_measure(measure, actor=request.user)
    return redirect("risks:point", pk=point_id)


# --- risk notice cards --------------------------------------------------------------------------


@login_required
def card(request: HttpRequest, pk: int) -> HttpResponse:
    """The card's page, opened from its QR code on a phone; a post worker confirms it here."""
    point = _point_for(request, pk)
    context = {
        **cards.card_content(point),
        "point": point,
        "pdf_url": reverse("risks:card_pdf", args=[point.pk]),
        "confirm_url": reverse("risks:card_confirm", args=[point.pk]),
        "may_confirm": services.may_confirm(point, request.user),
        "confirmed": point.confirmations.filter(user_id=request.user.pk or 0).exists(),
        "confirmations": point.confirmations.count(),
    }
    return render(request, "risks/card.html", context)


@login_required
@require_POST
def card_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    point = _point_for(request, pk)
    try:
        services.add_card_confirmation(point, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("已确认知晓本岗位安全风险"))
    return redirect("risks:card", pk=point.pk)


@login_required
def card_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable card (A4 or A5, ``?size=a5``)."""
    point = _point_for(request, pk)
    size = "a5" if request.GET.get("size") == "a5" else "a4"
    try:
        pdf = cards.build_pdf(
            point, request.build_absolute_uri(reverse("risks:card", args=[point.pk])), size
        )
    except ImproperlyConfigured as problem:
        return HttpResponse(str(problem), status=503, content_type="text/plain; charset=utf-8")
    return _download(pdf, f"{point.name}-风险告知卡.pdf", "application/pdf", inline=True)


def _post_of(request: HttpRequest, pk: int, post: str) -> tuple[Enterprise, list[RiskPoint]]:
    """The enterprise and the points of its post; 404 for a post none of them names (the post
    is in the path, so that a printed card's QR code opens it as long as the post exists)."""
    enterprise = get_visible_or_404(Enterprise.objects, request.user, pk=pk)
    points = cards.post_points(enterprise, post, request.user)
    if not points:
        raise Http404
    return enterprise, points


@login_required
def post_card(request: HttpRequest, pk: int, post: str) -> HttpResponse:
    """The post's card (岗位安全风险告知卡), opened from its QR code; its workers confirm it."""
    enterprise, points = _post_of(request, pk, post)
    confirmed = CardConfirmation.objects.filter(
        risk_point__in=points, user_id=request.user.pk or 0
    ).count() == len(points)  # fmt: skip
    context = {
        **cards.post_card_content(enterprise, post, points),
        "pdf_url": reverse("risks:post_card_pdf", args=[enterprise.pk, post]),
        "confirm_url": reverse("risks:post_card_confirm", args=[enterprise.pk, post]),
        "may_confirm": services.may_confirm(points[0], request.user),
        "confirmed": confirmed,
        "confirmations": services.post_confirmations(points),
    }
    return render(request, "risks/card.html", context)


@login_required
@require_POST
def post_card_confirm(request: HttpRequest, pk: int, post: str) -> HttpResponse:
    enterprise, points = _post_of(request, pk, post)
    try:
        services.confirm_post_card(enterprise, post, points, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("已确认知晓本岗位安全风险"))
    return redirect("risks:post_card", pk=enterprise.pk, post=post)


@login_required
def post_card_pdf(request: HttpRequest, pk: int, post: str) -> HttpResponse:
    """The post's printable card (A4 or A5, ``?size=a5``)."""
    enterprise, points = _post_of(request, pk, post)
    size = "a5" if request.GET.get("size") == "a5" else "a4"
    url = request.build_absolute_uri(reverse("risks:post_card", args=[enterprise.pk, post]))
    try:
        pdf = cards.build_post_pdf(enterprise, post, points, url, size)
    except ImproperlyConfigured as problem:
        return HttpResponse(str(problem), status=503, content_type="text/plain; charset=utf-8")
    return _download(pdf, f"{post}-岗位风险告知卡.pdf", "application/pdf", inline=True)


# --- the enterprise's four-colour map -----------------------------------------------------------


@login_required
def plant(request: HttpRequest, pk: int) -> HttpResponse:
    """The plant layout with its risk zones in their colours; editors upload the image and
    draw zones on it (Leaflet, ``CRS.Simple``)."""
    enterprise = get_visible_or_404(Enterprise.objects, request.user, pk=pk)
    layout = PlantLayout.objects.visible_to(request.user).filter(enterprise=enterprise).first()
    image = services.layout_image(layout) if layout else None
    zones = list(layout.zones.prefetch_related("points")) if layout else []
    labels = dict(RiskLevelChoice.choices)
    data = {
        "image": reverse("core:attachment_download", args=[image.pk]) if image else "",
        "width": image.width if image else 0,
        "height": image.height if image else 0,
        "zones": [
            {"id": z.pk, "polygon": z.polygon, "level": services.zone_level(z),
             "label": str(labels[services.zone_level(z)])}
            for z in zones
        ],
    }  # fmt: skip
    context = {
        "enterprise": enterprise,
        "layout": layout,
        "image": image,
        "zones": zones,
        "data": data,
        "editable": _editable(enterprise, request.user),
        "points": RiskPoint.objects.visible_to(request.user).filter(enterprise=enterprise),
        "level_choices": RiskLevelChoice.choices,
    }
    return render(request, "risks/plant.html", context)


@login_required
@require_POST
def plant_start(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_editable_or_404(Enterprise.objects, request.user, pk=pk)
    services.add_plant_layout(enterprise, actor=request.user)
    return redirect("risks:plant", pk=enterprise.pk)


@login_required
@require_POST
def zone_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a drawn zone: its name, its polygon (JSON) and the risk points it holds."""
    enterprise = get_editable_or_404(Enterprise.objects, request.user, pk=pk)
    layout = get_editable_or_404(PlantLayout.objects, request.user, enterprise=enterprise)
    try:
        polygon = json.loads(request.POST.get("polygon") or "null")
        ids = [int(value) for value in request.POST.getlist("points")]
        points = resolve_all_in_scope(
            RiskPoint.objects.filter(enterprise=enterprise), request.user, "pk", ids, write=True
        )
        services.add_zone(
            layout, {"name": request.POST.get("name", ""), "polygon": polygon},
            actor=request.user, points=points,
        )  # fmt: skip
    except (ValueError, ValidationError) as error:
        problems = error.messages if isinstance(error, ValidationError) else [_("区域数据无效")]
        messages.error(request, "；".join(problems))
    else:
        messages.success(request, _("风险区域已保存"))
    return redirect("risks:plant", pk=enterprise.pk)


@login_required
@require_POST
def zone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    zone: RiskZone = get_editable_or_404(
        RiskZone.objects.select_related("layout"), request.user, pk=pk
    )
    enterprise_id = zone.layout.enterprise_id
    services.delete_zone(zone, actor=request.user)
    return redirect("risks:plant", pk=enterprise_id)
