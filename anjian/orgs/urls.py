from django.urls import path

from anjian.orgs import views

app_name = "orgs"

urlpatterns = [
    path("towns/", views.town_list, name="town_list"),
    path("departments/", views.department_list, name="department_list"),
    path("grids/", views.grid_list, name="grid_list"),
    path("industries/search/", views.industry_search, name="industry_search"),
    path("grids/new/", views.grid_create, name="grid_create"),
    path("grids/import/", views.grid_import, name="grid_import"),
    path("grids/<str:code>/", views.grid_detail, name="grid_detail"),
    path("grids/<str:code>/edit/", views.grid_edit, name="grid_edit"),
    path("grids/<str:code>/retire/", views.grid_retire, name="grid_retire"),
]
