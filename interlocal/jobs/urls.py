"""Addresses of background jobs."""

from django.urls import path

from interlocal.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/progress/", views.job_progress, name="progress"),
    path("<int:pk>/download/", views.job_download, name="download"),
]
