"""The portal's own state: the data generation that keys the page cache."""

from django.db import models


class DataGeneration(models.Model):
    """One row counting committed writes; a new value makes every cached page a miss."""

    value = models.BigIntegerField(default=0, help_text="Raised after every committed audited write.")

    def __str__(self) -> str:
        return f"data generation {self.value}"
