"""Governments (cities, counties, councils, departments) and the people who work for them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from interlocal.conflicts import Versioned
from interlocal.vocab import GovernmentKind, Role


class Government(Versioned):
    """A local government or partner organisation, identified the way Census and OCD identify it."""

    kind = models.CharField(
        max_length=32, choices=GovernmentKind.choices, help_text="What sort of body this is."
    )
    name = models.CharField(max_length=200, help_text="Common name, e.g. Lee's Summit.")
    slug = models.SlugField(max_length=200, unique=True, help_text="The name in web addresses.")
    state = models.CharField(max_length=2, blank=True, help_text="Two-letter USPS state code, e.g. MO.")
    county_name = models.CharField(
        max_length=120, blank=True, help_text="Primary county as Census names it, e.g. Jackson County."
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        # A county is not removed while its cities or departments refer to it.
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The county a municipality lies in, or the government a department belongs to.",
    )
    ocd_division_id = models.CharField(
        max_length=200,
        blank=True,
        help_text="Open Civic Data division id, e.g. ocd-division/country:us/state:mo/place:lees_summit.",
    )
    geoid = models.CharField(
        max_length=12, blank=True, db_index=True, help_text="Census GEOID (state + place or county FIPS)."
    )
    population = models.PositiveIntegerField(null=True, blank=True, help_text="Resident population.")
    population_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Year the population figure refers to."
    )
    population_source = models.CharField(
        max_length=200, blank=True, help_text="Where the population figure comes from, e.g. 2020 Census."
    )
    land_area_m2 = models.BigIntegerField(
        null=True, blank=True, help_text="Land area in square metres (Census ALAND)."
    )
    website = models.URLField(blank=True, help_text="The government's public web site.")
    neighbours = models.ManyToManyField(
        "self", blank=True, symmetrical=True, help_text="Governments whose boundaries share an edge."
    )
    is_published = models.BooleanField(default=True, help_text="Shown on the public portal.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["geoid"], condition=~models.Q(geoid=""), name="government_geoid_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def land_area_sq_mi(self) -> float | None:
        """Land area in square miles, as U.S. readers expect."""
        return None if self.land_area_m2 is None else self.land_area_m2 / 2_589_988.11


class Person(AbstractUser):
    """A user: staff of one government with one role."""

    government = models.ForeignKey(
        Government,
        null=True,
        blank=True,
        # People stay on record with their past edits; move them before retiring a government.
        on_delete=models.PROTECT,
        related_name="people",
        help_text="The government this person works for; empty only for site administrators.",
    )
    role = models.CharField(
        max_length=32, choices=Role.choices, default=Role.VIEWER, help_text="What this person may change."
    )
    title = models.CharField(max_length=200, blank=True, help_text="Job title, e.g. City Clerk.")

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Boundary(models.Model):
    """A government's boundary simplified for web maps (GeoJSON text; no PostGIS needed) and a label point."""

    government = models.OneToOneField(
        Government,
        # A boundary is derived from the census file and means nothing without its government.
        on_delete=models.CASCADE,
        related_name="boundary",
        help_text="The government this boundary outlines.",
    )
    geojson = models.TextField(
        help_text="The simplified boundary as a GeoJSON MultiPolygon in lon/lat (WGS 84)."
    )
    interior_lon = models.FloatField(
        help_text="Longitude of a point inside the boundary, where its label goes."
    )
    interior_lat = models.FloatField(
        help_text="Latitude of a point inside the boundary, where its label goes."
    )
    tolerance = models.FloatField(help_text="The simplification tolerance in degrees.")
    vertices = models.PositiveIntegerField(help_text="How many vertices the simplified boundary keeps.")
    source = models.CharField(
        max_length=300, help_text="The file the boundary came from, e.g. a TIGER/Line file."
    )
    engine_version = models.CharField(max_length=20, help_text="The simplifier's version (interlocal.geo).")
    updated_at = models.DateTimeField(help_text="When the boundary was last stored.")

    class Meta:
        verbose_name_plural = "boundaries"

    def __str__(self) -> str:
        return f"Boundary of {self.government}"
