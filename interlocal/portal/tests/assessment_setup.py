"""A small framework and a round answered through the actions, for the assessment pages' tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from interlocal.assessments import actions
from interlocal.assessments.actions import LevelSpec, NodeSpec
from interlocal.assessments.models import Framework, Round, RoundMember
from interlocal.vocab import FrameworkKind, NodeKind

NCSR_LEVELS = [
    LevelSpec(1, "Not Performed", "Activities, processes and technologies are not in place."),
    LevelSpec(2, "Informally Performed", "Done, but not documented."),
    LevelSpec(3, "Documented Policy", "A policy covers it."),
    LevelSpec(4, "Documented Standards/Procedures", "Standards and procedures implement the policy."),
    LevelSpec(5, "Risk Measured", "The risk is measured."),
    LevelSpec(6, "Risk Treated", "The risk is treated."),
    LevelSpec(7, "Risk Validated", "Treatment is validated."),
]
# (function, category, item) codes of the small framework: 2 functions, 3 categories, 5 items.
ITEMS = [
    ("GV", "GV.OC", "GV.OC-01"),
    ("GV", "GV.OC", "GV.OC-02"),
    ("GV", "GV.RM", "GV.RM-01"),
    ("PR", "PR.AA", "PR.AA-01"),
    ("PR", "PR.AA", "PR.AA-02"),
]
TITLES = {"GV": "Govern", "PR": "Protect", "GV.OC": "Organizational Context", "GV.RM": "Risk Management",
          "PR.AA": "Identity Management and Access Control"}  # fmt: skip


def small_framework(admin: Any, *, training: bool = False) -> Framework:
    """A five-item cybersecurity framework on a 7-level scale with target 5 (or a 3-topic training one)."""
    if training:
        scale = actions.scale_ensure(
            acting_user=admin, key="need-test", name="Need",
            levels=[LevelSpec(1, "None"), LevelSpec(2, "Some"), LevelSpec(3, "Urgent")],
        )  # fmt: skip
        topics = [NodeSpec("SAFE", "Safety", NodeKind.SECTION)] + [
            NodeSpec(f"T{i}", f"Topic {i}", NodeKind.ITEM, parent="SAFE") for i in (1, 2, 3)
        ]
        return actions.framework_load(
            acting_user=admin, key="gti-test", version="1", title="Training needs", kind=FrameworkKind.TRAINING,
            scale=scale, nodes=topics,
        ).framework  # fmt: skip
    scale = actions.scale_ensure(
        acting_user=admin, key="ncsr-test", name="NCSR", levels=NCSR_LEVELS, target_value=5
    )
    nodes: list[NodeSpec] = []
    seen: set[str] = set()
    for fn, cat, item in ITEMS:
        for code, kind, parent in ((fn, NodeKind.FUNCTION, ""), (cat, NodeKind.CATEGORY, fn)):
            if code not in seen:
                seen.add(code)
                nodes.append(NodeSpec(code, TITLES[code], kind, parent=parent))
        nodes.append(
            NodeSpec(item, f"Item {item}", NodeKind.ITEM, parent=cat, statement=f"Statement of {item}.")
        )
    return actions.framework_load(
        acting_user=admin, key="csf-test", version="2.0", title="Small CSF", kind=FrameworkKind.CYBER,
        scale=scale, nodes=nodes,
    ).framework  # fmt: skip


def open_round(
    coordinator: Any, collaborative: Any, framework: Framework, members: list[Any], **kw: Any
) -> Round:
    return actions.round_open(
        acting_user=coordinator, collaborative=collaborative, framework=framework,
        title=kw.pop("title", "NCSR 2026"), year=kw.pop("year", 2026),
        deadline=kw.pop("deadline", dt.date.today() + dt.timedelta(days=30)), members=members, **kw,
    )  # fmt: skip


def answer_all(
    user: Any, member: RoundMember, levels: dict[str, int], evidence: str = "", submit: bool = True
) -> None:
    """Answer every item of the round for the member (levels by item code), then submit."""
    for item in member.round.framework.nodes.filter(kind=NodeKind.ITEM):
        actions.answer_save(
            acting_user=user, round_member=member, item=item, level=levels[item.code],
            evidence=f"{evidence} {item.code}".strip(),
        )  # fmt: skip
    if submit:
        member.refresh_from_db()
        actions.round_member_submit(acting_user=user, round_member=member)
