from django.contrib import admin
from django.urls import include, path, re_path

from interlocal.api.api import api
from interlocal.api.notfound import api_not_found

admin.site.site_header = "Interlocal back office"
admin.site.site_title = "Interlocal"
admin.site.index_title = "Records"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Any other address under /api/ is a JSON 404, as the OpenAPI document promises, never the HTML error page.
    re_path(r"^api/(?P<rest>.*)$", api_not_found, name="api_not_found"),
    path("me/tokens/", include("interlocal.api.urls_tokens")),
    path("import/", include("interlocal.importers.urls")),
    path("costshare/", include("interlocal.costshare.urls")),
    path("jobs/", include("interlocal.jobs.urls")),
    path("", include("interlocal.portal.urls")),
]
