from django.contrib import admin
from django.urls import include, path

from interlocal.api.api import api

admin.site.site_header = "Interlocal back office"
admin.site.site_title = "Interlocal"
admin.site.index_title = "Records"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("import/", include("interlocal.importers.urls")),
    path("costshare/", include("interlocal.costshare.urls")),
    path("jobs/", include("interlocal.jobs.urls")),
    path("", include("interlocal.portal.urls")),
]
