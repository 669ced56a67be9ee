"""The task queue's raw rows stay out of the back office: people follow their jobs on the jobs pages."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

# django_tasks_db registers its queue table; its rows hold arguments and tracebacks, nothing to edit by hand.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
