from django.urls import path

from anjian.risks import views

app_name = "risks"

urlpatterns = [
    path("", views.regional, {"view": "list"}, name="list"),
    path("export.xlsx", views.risk_export, name="export"),
    path("map/", views.regional, {"view": "map"}, name="map"),
    path("towns/", views.town_boundaries, name="town_boundaries"),
    path("mine/", views.my_register, name="mine"),
    path("template.xlsx", views.register_template, name="template"),
    path("enterprises/<int:pk>/", views.register, name="register"),
    path("enterprises/<int:pk>/export.xlsx", views.register_export, name="register_export"),
    path("enterprises/<int:pk>/import/", views.register_import, name="register_import"),
    path("enterprises/<int:pk>/templates/", views.template_apply, name="template_apply"),
    path("enterprises/<int:pk>/points/new/", views.point_create, name="point_create"),
    path("enterprises/<int:pk>/posts/card/<path:post>", views.post_card, name="post_card"),
    path("enterprises/<int:pk>/posts/pdf/<path:post>", views.post_card_pdf, name="post_card_pdf"),
    path(
        "enterprises/<int:pk>/posts/confirm/<path:post>",
        views.post_card_confirm,
        name="post_card_confirm",
    ),
    path("enterprises/<int:pk>/plant/", views.plant, name="plant"),
    path("enterprises/<int:pk>/plant/start/", views.plant_start, name="plant_start"),
    path("enterprises/<int:pk>/plant/zones/", views.zone_add, name="zone_add"),
    path("zones/<int:pk>/delete/", views.zone_delete, name="zone_delete"),
    path("points/<int:pk>/", views.point_detail, name="point"),
    path("points/<int:pk>/edit/", views.point_edit, name="point_edit"),
    path("points/<int:pk>/delete/", views.point_delete, name="point_delete"),
    path("points/<int:pk>/review/", views.point_review, name="point_review"),
    path("points/<int:pk>/hazards/new/", views.hazard_add, name="hazard_add"),
    path("hazards/<int:pk>/edit/", views.hazard_edit, name="hazard_edit"),
    path("hazards/<int:pk>/delete/", views.hazard_delete, name="hazard_delete"),
    path("points/<int:pk>/measures/new/", views.measure_add, name="measure_add"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/delete/", views.measure_delete, name="measure_delete"),
    path("cards/<int:pk>/", views.card, name="card"),
    path("cards/<int:pk>/confirm/", views.card_confirm, name="card_confirm"),
    path("cards/<int:pk>/card.pdf", views.card_pdf, name="card_pdf"),
]
