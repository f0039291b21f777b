from django.urls import path

from anjian.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("installations/", views.installation_list, name="installations"),
    path("installations/<int:pk>/", views.installation_detail, name="installation_detail"),
    path("alarms/", views.alarm_board, name="alarm_board"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm_detail"),
]
