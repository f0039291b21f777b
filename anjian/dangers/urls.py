from django.urls import path

from anjian.dangers import views

app_name = "dangers"

urlpatterns = [
    path("", views.danger_list, name="list"),
    path("new/", views.danger_create, name="create"),
    path("<int:pk>/", views.danger_detail, name="detail"),
    path("<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("<int:pk>/closing.pdf", views.closing_pdf, name="closing_pdf"),
    path("<int:pk>/plan/", views.plan_add, name="plan"),
    path("<int:pk>/extension/", views.extension_add, name="extension"),
    path("<int:pk>/listing/", views.listing_add, name="listing"),
    path("listings/<int:pk>/report/", views.report_add, name="report"),
    path("import/", views.ledger_import, name="import"),
    path("template.xlsx", views.ledger_template, name="template"),
    path("export.xlsx", views.ledger_export, name="export"),
    path("figures/", views.figures, name="figures"),
    path("figures.xlsx", views.figures_export, name="figures_export"),
    path("checklists/", views.checklists, name="checklists"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/plans/new/", views.inspection_plan_create, name="plan_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
]
