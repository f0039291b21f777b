from django.urls import path

from anjian.accidents import views

app_name = "accidents"

urlpatterns = [
    path("", views.accident_list, name="list"),
    path("new/", views.accident_create, name="create"),
    path("<int:pk>/", views.accident_detail, name="detail"),
    path("<int:pk>/supplementary/", views.supplement, name="supplement"),
    path("<int:pk>/steps/<int:step_id>/", views.report_step, name="report_step"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("quotas/", views.quota_list, name="quotas"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics.xlsx", views.statistics_export, name="statistics_export"),
    path("public/", views.public_list, name="public"),
]
