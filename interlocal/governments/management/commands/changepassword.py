import getpass
from typing import Any

from django.contrib.auth.management.commands import changepassword
from django.db import transaction

from interlocal.governments.actions import person_password_changed
from interlocal.governments.models import Person


class Command(changepassword.Command):
    help = "Change a person's password (checked by the password rules); audited, never the value."

    def handle(self, *args: Any, **options: Any) -> str:
        username = options["username"] or getpass.getuser()
        # Django's command saves the password itself; the audit event commits with it or not at all.
        with transaction.atomic():
            before = Person.objects.filter(username=username).values_list("password", flat=True).first()
            result = super().handle(*args, **options)
            person = Person.objects.get(username=username)
            if person.password != before:
                person_password_changed(
                    acting_user=None,
                    person=person,
                    note=f"changepassword command, run by operating-system user {getpass.getuser()}.",
                )
        return str(result)
