from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("<int:pk>/", views.ImportJobView.as_view(), name="job"),
    path("<int:pk>/status/", views.ImportJobStatusView.as_view(), name="status"),
    path("<int:pk>/confirm/", views.ImportJobConfirmView.as_view(), name="confirm"),
    path("<int:pk>/cancel/", views.ImportJobCancelView.as_view(), name="cancel"),
]
