"""Addresses of the upload page."""

from django.urls import path

from interlocal.importers import views

app_name = "importers"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("apply/", views.apply, name="apply"),
    path("pending/<str:token>/", views.pending, name="pending"),
    path("templates/<slug:record_type>.<str:fmt>", views.template, name="template"),
]
