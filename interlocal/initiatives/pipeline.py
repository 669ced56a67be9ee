"""The pipeline's state machine: which stage moves are allowed, and which gates each move passes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from interlocal.vocab_core import Stage

# The stages an initiative advances through, in order; on hold and withdrawn sit beside them.
ORDER: tuple[Stage, ...] = (
    Stage.IDEA,
    Stage.EXPLORING,
    Stage.PROPOSED,
    Stage.APPROVED,
    Stage.IMPLEMENTING,
    Stage.OPERATING,
    Stage.EVALUATED,
)


class Move(StrEnum):
    """The kinds of stage move."""

    FORWARD = "forward"  # to a later stage; the gate of every stage passed through must be met
    BACKWARD = "backward"  # to an earlier stage; needs a reason and a confirmation, checks no gate
    HOLD = "hold"  # pause; the initiative remembers the stage it left
    RESUME = "resume"  # from on hold back to the stage it left; that stage's gate is checked again
    WITHDRAW = "withdraw"  # stop; needs a confirmation
    REOPEN = "reopen"  # from withdrawn to the stage it left or an earlier one; needs a confirmation


# Moves that undo progress or a decision, so the form asks "are you sure?" and the action wants confirmed=True.
CONFIRMED_MOVES = frozenset({Move.BACKWARD, Move.WITHDRAW, Move.REOPEN})


def _table() -> dict[Stage, dict[Stage, Move]]:
    table: dict[Stage, dict[Stage, Move]] = {}
    for i, stage in enumerate(ORDER):
        row = {later: Move.FORWARD for later in ORDER[i + 1 :]}
        row |= {earlier: Move.BACKWARD for earlier in ORDER[:i]}
        if stage != Stage.EVALUATED:  # an evaluated initiative has nothing left to pause
            row[Stage.ON_HOLD] = Move.HOLD
        row[Stage.WITHDRAWN] = Move.WITHDRAW
        table[stage] = row
    return table


# From each stage of ORDER: target -> kind of move. On hold and withdrawn depend on the stage they
# left, so `transitions()` builds their rows; every rule about allowed moves lives in this module.
TABLE: dict[Stage, dict[Stage, Move]] = _table()


@dataclass(frozen=True)
class Transition:
    """An allowed move: from, to, its kind, and the stages whose gates it must pass."""

    source: Stage
    target: Stage
    move: Move
    gated: tuple[Stage, ...]

    @property
    def needs_confirmation(self) -> bool:
        """Whether the move undoes progress, so it needs a reason and an explicit confirmation."""
        return self.move in CONFIRMED_MOVES


def _gated(source: Stage, target: Stage, move: Move) -> tuple[Stage, ...]:
    if move == Move.FORWARD:
        return ORDER[ORDER.index(source) + 1 : ORDER.index(target) + 1]
    if move in (Move.RESUME, Move.REOPEN):
        return (target,)
    return ()


def _moves(current: Stage, left: Stage | None) -> dict[Stage, Move]:
    if current in TABLE:
        return TABLE[current]
    # On hold or withdrawn: `left` is the pipeline stage it was in before; unknown means idea.
    base = left if left in ORDER else Stage.IDEA
    earlier = ORDER[: ORDER.index(base)]
    if current == Stage.ON_HOLD:
        row = {base: Move.RESUME} | {s: Move.BACKWARD for s in earlier}
        return row | {Stage.WITHDRAWN: Move.WITHDRAW}
    return {base: Move.REOPEN} | {s: Move.REOPEN for s in earlier}


def transitions(current: str, left: str | None = None) -> list[Transition]:
    """Every move allowed from the current stage (left: the stage an on-hold or withdrawn one left)."""
    source = Stage(current)
    moves = _moves(source, Stage(left) if left else None)
    order = {s: i for i, s in enumerate([*ORDER, Stage.ON_HOLD, Stage.WITHDRAWN])}
    return [
        Transition(source, t, m, _gated(source, t, m))
        for t, m in sorted(moves.items(), key=lambda x: order[x[0]])
    ]


def transition(current: str, target: str, left: str | None = None) -> Transition | None:
    """The move from current to target, or None if the table does not allow it."""
    return next((t for t in transitions(current, left) if t.target == target), None)


def default_target(moves: list[Transition]) -> Stage | None:
    """What the stage form proposes among the allowed moves: the next stage forward, or resuming; never back."""
    for wanted in (Move.FORWARD, Move.RESUME):
        found = [t.target for t in moves if t.move == wanted]
        if found:
            return found[0]
    return None


def stage_left(history: list[tuple[str, str]]) -> Stage | None:
    """The last pipeline stage an initiative left, from its (from, to) moves, oldest first."""
    for source, _ in reversed(history):
        if source in ORDER:
            return Stage(source)
    return None
