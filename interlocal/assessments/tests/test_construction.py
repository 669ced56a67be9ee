"""Confidentiality by construction: only the assessments' own queries, actions and demo touch answers directly."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
ALLOWED = {
    "interlocal/assessments/queries.py",
    "interlocal/assessments/actions.py",
    "interlocal/assessments/demo.py",
    "interlocal/assessments/models.py",
}
# A direct read of answers, or of a member's answers through its related manager.
DIRECT = re.compile(
    r"\bAnswer\.objects\b|\bAnswer\._default_manager\b|\.answers\.(all|filter|values|get|exclude)\("
)


def test_it_reads_answers_only_through_the_assessments_queries() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = str(path.relative_to(PACKAGE.parent))
        if rel in ALLOWED or "/tests/" in rel or "/migrations/" in rel:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if DIRECT.search(line):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == [], "read answers through interlocal/assessments/queries.py:\n" + "\n".join(offenders)


def test_it_recognises_a_direct_read() -> None:
    assert DIRECT.search("levels = Answer.objects.filter(round_member=m)")
    assert DIRECT.search("member.answers.all()")
    assert not DIRECT.search("answers = queries.answers_for_user(user, member)")
