from typing import Any

from django.core.management.base import BaseCommand

from interlocal.demo import DEMO_PASSWORD, demo_loaded, load_demo


class Command(BaseCommand):
    help = "Load the demonstration region (idempotent: does nothing when it is already loaded)."

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_loaded():
            self.stdout.write("Demo data is already loaded; nothing changed.")
            return
        load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            f"Sign in as admin, coordinator, ls-clerk, ind-editor, bs-finance or stl-planner with password "
            f"{DEMO_PASSWORD!r} (demo only)."
        )
