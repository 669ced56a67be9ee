"""A collaborative's full data package: a zip of CSVs with a Frictionless datapackage.json."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest

from interlocal.collaboratives.queries import get_collaborative_for_user
from interlocal.portal.datapackage import package_file


def data_package(request: HttpRequest, slug: str) -> FileResponse:
    """Every record type of the collaborative the user may see, one CSV each, described for other tools."""
    collaborative = get_collaborative_for_user(request.user, slug)
    out = package_file(request.user, collaborative)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"{collaborative.slug}-data-package.zip",
        content_type="application/zip",
    )
