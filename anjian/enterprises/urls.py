from django.urls import path

from anjian.enterprises import grid_views, views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("mine/", views.my_enterprise, name="mine"),
    path("map/", views.enterprise_map, name="map"),
    path("map/data/", views.map_data, name="map_data"),
    path("import/", views.import_page, name="import"),
    path("import/<str:token>/", views.import_review, name="import_review"),
    path("import/<str:token>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<str:token>/errors.xlsx", views.import_errors, name="import_errors"),
    path("template.xlsx", views.template_download, name="template"),
    path("export.xlsx", views.export, name="export"),
    path("dossiers/", views.dossier_zip, name="dossier_zip"),
    path("dossiers/<str:task_id>.zip", views.dossier_zip_download, name="dossier_zip_download"),
    path("changes/", views.change_request_list, name="change_requests"),
    path("changes/<int:pk>/decide/", views.change_request_decide, name="change_request_decide"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("new/", views.enterprise_create, name="create"),
    path("<int:pk>/licences/new/", views.licence_add, name="licence_add"),
    path("licences/<int:pk>/edit/", views.licence_edit, name="licence_edit"),
    path("licences/<int:pk>/delete/", views.licence_delete, name="licence_delete"),
    path("<int:pk>/dossier.pdf", views.dossier_pdf, name="dossier"),
    path("grids/<str:code>/assign/", grid_views.grid_assign, name="grid_assign"),
    path("grids/<str:code>/<int:pk>/remove/", grid_views.grid_remove, name="grid_remove"),
]
