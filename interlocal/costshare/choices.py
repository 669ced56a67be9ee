"""Controlled vocabularies of cost sharing."""

from django.db import models


class CostModel(models.TextChoices):
    TOTAL = "total", "Total annual cost with each partner's stand-alone cost"
    FORMULA = "formula", "Formula model (fixed cost, economies of scale, capacity steps)"


class ScenarioStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPUTED = "computed", "Computed"
    ADOPTED = "adopted", "Adopted"
    SUPERSEDED = "superseded", "Superseded by a later adopted scenario"


class Method(models.TextChoices):
    EQUAL = "equal", "Equal shares"
    PROPORTIONAL = "proportional", "Proportional to a driver"
    HYBRID = "hybrid", "Hybrid (weighted drivers)"
    FIXED_VARIABLE = "fixed_variable", "Fixed cost equal, variable cost by driver"
    SCRB = "scrb", "Separable costs, remaining benefits (SCRB)"
    SHAPLEY = "shapley", "Shapley value"
    NUCLEOLUS = "nucleolus", "Nucleolus"
    LEAST_CORE = "least_core", "Least core"


class Recurrence(models.TextChoices):
    ONE_TIME = "one_time", "One-time"
    RECURRING = "recurring", "Recurring"
