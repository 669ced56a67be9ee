import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interlocal.governments.actions import person_create
from interlocal.governments.models import Person
from interlocal.synth import SynthRefused, synth_generate
from interlocal.vocab import Role


class Command(BaseCommand):
    help = "Load seeded synthetic state-scale data into an empty database (for load tests, never production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--governments", type=int, default=1000, help="how many governments (default 1000)"
        )
        parser.add_argument(
            "--initiatives", type=int, default=10000, help="how many initiatives (default 10000)"
        )
        parser.add_argument(
            "--matters", type=int, default=100000, help="how many legislative matters (default 100000)"
        )
        parser.add_argument(
            "--seed", type=int, default=8, help="random seed; the same seed gives the same data"
        )
        parser.add_argument(
            "--password",
            default="",
            help="password for the synthetic staff accounts (default: none, no sign-in)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("governments", "initiatives", "matters"):
            if options[name] < 0:
                raise CommandError(f"--{name} must not be negative")
        # The loader acts as an administrator of its own, so every audit event names who wrote it.
        actor = Person.objects.filter(username="synth").first() or person_create(
            acting_user=None, username="synth", government=None, role=Role.COORDINATOR, is_superuser=True
        )
        started = time.perf_counter()
        try:
            counts = synth_generate(
                acting_user=actor,
                governments=options["governments"],
                initiatives=options["initiatives"],
                matters=options["matters"],
                seed=options["seed"],
                password=options["password"],
                progress=lambda line: self.stdout.write(f"  {line}"),
            )
        except (SynthRefused, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic data loaded in {time.perf_counter() - started:.0f} s: {counts.governments} governments, "
                f"{counts.collaboratives} collaboratives, {counts.initiatives} initiatives, "
                f"{counts.agreements} agreements, {counts.matters} matters."
            )
        )
        self.stdout.write("Accounts: coordinator-N, editor-N and viewer-N for each collaborative N.")
