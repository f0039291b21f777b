from django.urls import path

from anjian.core import audit_views, calendar_views, views
from anjian.core.attachments import views as attachment_views
from anjian.core.workflow import views as workflow_views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("inbox/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("audit/export/", audit_views.audit_export, name="audit_export"),
    path("audit/<int:pk>/", audit_views.audit_detail, name="audit_detail"),
    path("attachments/<int:pk>/", attachment_views.download, name="attachment_download"),
    path(
        "attachments/<int:pk>/thumbnail/", attachment_views.thumbnail, name="attachment_thumbnail"
    ),
    path(
        "attachments/<str:owner>/<int:object_id>/upload/",
        attachment_views.upload,
        name="attachment_upload",
    ),
    path(
        "workflow/<str:owner>/<int:object_id>/transition/",
        workflow_views.take,
        name="transition",
    ),
    path(
        "workflow/<str:owner>/<int:object_id>/history/",
        workflow_views.history_panel,
        name="transition_history",
    ),
    path("calendar/", calendar_views.amendments, name="calendar"),
    path("calendar/<int:pk>/delete/", calendar_views.delete, name="calendar_delete"),
]
