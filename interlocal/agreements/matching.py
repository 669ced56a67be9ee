"""Which council matter adopts which agreement version: a score with the evidence for it (no Django).

A matter of a party's government is compared with an agreement version awaiting that party's adoption. The
evidence, strongest first: the file number the coordinator said would adopt it (an explicit link), an attachment
named like the agreement or one of its documents, the matter's title sharing the agreement title's words, an
index (Legistar's subject tags) naming it. A match also needs the row of the action history that is the adoption:
a final action (adopted, approved, passed...) whose result is Pass. The caller stores the score, the evidence
and ENGINE_VERSION with the proposal; nothing here decides anything for a person.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

ENGINE_VERSION = "adoption-match/1"

# A proposal needs this score; an explicit link alone reaches it, title words alone reach it when most of the
# agreement title's words are in the matter's title.
THRESHOLD = 40

EXPLICIT_LINK = "explicit_link"
ATTACHMENT = "attachment"
TITLE_WORDS = "title_words"
INDEX = "index"
KEYWORD = "keyword"
MATTER_TYPE = "matter_type"

WEIGHTS = {EXPLICIT_LINK: 100, ATTACHMENT: 40, TITLE_WORDS: 50, INDEX: 20, KEYWORD: 15, MATTER_TYPE: 5}

# Words that say nothing about which agreement a matter is about.
_STOP_TEXT = """
    a an and are as at be by for from in into is it its of on or that the their this to with within
    city county town village council board commission mo missouri state
    resolution ordinance bill motion item file no number res ord
    authorizing authorize authorizes approving approve approves adopting adopt adopts accepting accept
    entering enter enters execute executing execution amending amend ratifying ratify
    mayor manager administrator clerk director staff
    agreement agreements interlocal intergovernmental cooperative cooperation contract memorandum
    understanding mou statement version text original renewal amendment expansion exhibit attachment
    pdf doc docx
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

# Final actions whose Pass result is an adoption; and action words that never are (a committee's referral, a
# first reading, a recommendation to the council).
_ADOPTING = ("adopt", "approv", "pass", "enact", "ratif", "carried", "accept")
_NOT_FINAL = ("refer", "recommend", "introduc", "tabl", "postpon", "continu", "withdr", "reconsider", "held",
              "fail", "denied", "deny", "veto", "receiv")  # fmt: skip
_PASSING = frozenset({"pass", "passed", "adopted", "approved", "carried", "yes"})

_TYPES_THAT_ADOPT = ("resolution", "ordinance", "agreement", "contract", "motion", "consent")


@dataclass(frozen=True)
class ActionRow:
    """A row of a matter's action history, as Legistar gives it."""

    key: int  # the caller's id for the row
    action_date: dt.date | None
    action_name: str
    result: str = ""  # MatterHistoryPassedFlagName, e.g. Pass
    tally: str = ""
    body: str = ""


@dataclass(frozen=True)
class MatterFacts:
    """What the engine reads of a council matter."""

    file_number: str
    title: str
    type_name: str = ""
    name: str = ""
    indexes: Sequence[str] = ()
    attachment_names: Sequence[str] = ()
    actions: Sequence[ActionRow] = ()


@dataclass(frozen=True)
class VersionFacts:
    """What the engine reads of an agreement version awaiting one party's adoption."""

    agreement_title: str
    version_title: str = ""
    short_name: str = ""
    version_label: str = ""
    document_titles: Sequence[str] = ()
    keywords: Sequence[str] = ()
    expected_file_numbers: Sequence[str] = ()  # set by the coordinator for this party


@dataclass(frozen=True)
class Evidence:
    """One reason the matter may adopt the version."""

    kind: str
    weight: int
    detail: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready record of the reason."""
        return {"kind": self.kind, "weight": self.weight, "detail": self.detail}


@dataclass(frozen=True)
class Match:
    """The engine's answer: score (0-100), its evidence, and the adopting action row if there is one."""

    score: int
    evidence: tuple[Evidence, ...]
    row: ActionRow | None
    engine_version: str = ENGINE_VERSION
    notes: tuple[str, ...] = field(default=())

    @property
    def adopted_on(self) -> dt.date | None:
        """The date of the adopting vote."""
        return None if self.row is None else self.row.action_date

    @property
    def is_proposal(self) -> bool:
        """Whether a person should be asked to confirm it: enough evidence and a passing final action."""
        return self.row is not None and self.row.action_date is not None and self.score >= THRESHOLD

    def evidence_json(self) -> dict[str, Any]:
        """The evidence as stored with a proposal."""
        row = None
        if self.row is not None:
            row = {
                "key": self.row.key,
                "date": self.row.action_date.isoformat() if self.row.action_date else None,
                "action": self.row.action_name,
                "result": self.row.result,
                "tally": self.row.tally,
                "body": self.row.body,
            }
        return {
            "engine_version": self.engine_version,
            "score": self.score,
            "reasons": [e.as_dict() for e in self.evidence],
            "row": row,
            "notes": list(self.notes),
        }


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation to spaces."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", " ", plain.replace("'", "")).strip()


def _stem(word: str) -> str:
    # Enough to make "services" meet "service" and "agencies" meet "agency"; no dictionary.
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> frozenset[str]:
    """The significant words of a text: folded, stemmed, stop words, years and lone letters removed."""
    found = set()
    for word in fold(text).split():
        if len(word) < 2 or word in STOP_WORDS or word.isdigit():
            continue
        stemmed = _stem(word)
        if stemmed not in STOP_WORDS:
            found.add(stemmed)
    return frozenset(found)


def normalize_file_number(value: str) -> str:
    """A file number compared loosely: "RES. NO. 21-08", "Res No 21-08" and "res 21-08" are one number."""
    folded = fold(value).replace(" number ", " ").replace(" no ", " ")
    tokens = [t for t in folded.split() if t not in {"no", "number", "file", "record"}]
    return "".join(tokens)


def _is_adoption(row: ActionRow) -> bool:
    tokens = fold(row.action_name).split()
    if not any(t.startswith(word) for t in tokens for word in _ADOPTING):
        return False
    if any(t.startswith(word) for t in tokens for word in _NOT_FINAL):
        return False
    if re.search(r"\b(first|second|1st|2nd) reading\b", " ".join(tokens)):
        return False
    return fold(row.result) in _PASSING


def adoption_row(actions: Iterable[ActionRow]) -> ActionRow | None:
    """The latest dated row that adopted the matter (a final action with a Pass result), if any.

    A later final action that failed (a veto sustained, a reconsideration that failed) cancels it.
    """
    rows = [r for r in actions if r.action_date is not None]
    rows.sort(key=lambda r: (r.action_date or dt.date.min, r.key))
    found: ActionRow | None = None
    for row in rows:
        if _is_adoption(row):
            found = row
        elif found is not None and fold(row.result) in {"fail", "failed", "lost", "denied"}:
            found = None
    return found


def _share(target: frozenset[str], text: str) -> tuple[float, frozenset[str]]:
    """The fraction of target's words found in text, and which."""
    if not target:
        return 0.0, frozenset()
    common = target & words(text)
    return len(common) / len(target), common


def _named(target_title: str, candidate: str, least: float = 0.6) -> frozenset[str] | None:
    """The shared words when candidate names target_title: most of its (at least two) words."""
    target = words(target_title)
    if len(target) < 2:
        target_phrase = fold(target_title)
        return target if target_phrase and target_phrase in fold(candidate) and target else None
    fraction, common = _share(target, candidate)
    return common if fraction >= least and len(common) >= 2 else None


def score(matter: MatterFacts, version: VersionFacts) -> Match:
    """Score a matter against a version awaiting its government's adoption, with the evidence."""
    evidence: list[Evidence] = []
    notes: list[str] = []

    expected = {normalize_file_number(f) for f in version.expected_file_numbers if f.strip()}
    if expected and normalize_file_number(matter.file_number) in expected:
        evidence.append(
            Evidence(
                EXPLICIT_LINK,
                WEIGHTS[EXPLICIT_LINK],
                f"The coordinator said file {matter.file_number} adopts this version.",
            )
        )

    titles = [t for t in (version.agreement_title, version.short_name, *version.document_titles) if t.strip()]
    for name in matter.attachment_names:
        for title in titles:
            common = _named(title, name)
            if common is not None:
                evidence.append(
                    Evidence(
                        ATTACHMENT,
                        WEIGHTS[ATTACHMENT],
                        f"Attachment “{name}” names “{title}” ({', '.join(sorted(common))}).",
                    )
                )
                break
        else:
            continue
        break  # one attachment is evidence enough; more would only repeat it

    agreement_words = words(version.agreement_title) | words(version.short_name)
    matter_text = f"{matter.title} {matter.name}"
    fraction, common = _share(agreement_words, matter_text)
    if (len(common) >= 2 and fraction >= 0.5) or (len(agreement_words) == 1 and fraction == 1.0):
        weight = round(WEIGHTS[TITLE_WORDS] * fraction)
        evidence.append(
            Evidence(
                TITLE_WORDS,
                weight,
                f"The title shares {len(common)} of {len(agreement_words)} words of “{version.agreement_title}”"
                f" ({', '.join(sorted(common))}).",
            )
        )

    for index in matter.indexes:
        common_index = _named(index, version.agreement_title, least=1.0) or _named(
            version.agreement_title, index
        )
        hit_keyword = next((k for k in version.keywords if k.strip() and fold(k) == fold(index)), None)
        if common_index is not None or hit_keyword is not None:
            evidence.append(Evidence(INDEX, WEIGHTS[INDEX], f"Index “{index}” names the agreement."))
            break

    haystack = fold(" ".join([matter.title, matter.name, *matter.attachment_names, *matter.indexes]))
    found = [k for k in version.keywords if k.strip() and f" {fold(k)} " in f" {haystack} "]
    for keyword in found[:2]:
        evidence.append(Evidence(KEYWORD, WEIGHTS[KEYWORD], f"Key word “{keyword}” appears."))

    type_name = fold(matter.type_name)
    if evidence and any(t in type_name for t in _TYPES_THAT_ADOPT):
        evidence.append(Evidence(MATTER_TYPE, WEIGHTS[MATTER_TYPE], f"A {matter.type_name} can adopt it."))

    row = adoption_row(matter.actions)
    if row is None:
        notes.append("No action in the history adopted the matter (a final action with a Pass result).")
    total = min(100, sum(e.weight for e in evidence))
    evidence.sort(key=lambda e: -e.weight)
    return Match(score=total, evidence=tuple(evidence), row=row, notes=tuple(notes))
