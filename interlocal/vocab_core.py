"""Vocabulary values that Django-free code needs; interlocal.vocab builds its TextChoices on them."""

# The pure modules (stage gates, engines, parsers) must import without Django, so the values they
# key on live here as plain string enums and vocab.py takes each value from here rather than
# repeating it. Labels stay in vocab.py, which is the only place that shows them.

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    IDEA = "idea"
    EXPLORING = "exploring"
    PROPOSED = "proposed"
    APPROVED = "approved"
    IMPLEMENTING = "implementing"
    OPERATING = "operating"
    EVALUATED = "evaluated"
    ON_HOLD = "on_hold"
    WITHDRAWN = "withdrawn"
