"""Controlled vocabularies shared across apps."""

from django.db import models

from interlocal import vocab_core as core


class GovernmentKind(models.TextChoices):
    CITY = "city", "City"
    VILLAGE = "village", "Village"
    COUNTY = "county", "County"
    REGIONAL_COUNCIL = "regional_council", "Regional council"
    SPECIAL_DISTRICT = "special_district", "Special district"
    STATE_AGENCY = "state_agency", "State agency"
    INSTITUTE = "institute", "Institute or nonprofit"
    # Plans name county departments as lead partners (LR.33), so they are first-class partners.
    DEPARTMENT = "department", "Department of a government"


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    MEMBER_EDITOR = "member_editor", "Member editor"
    VIEWER = "viewer", "Viewer"


class MembershipRole(models.TextChoices):
    MEMBER = "member", "Member"
    FACILITATOR = "facilitator", "Facilitator"
    SUPPORTING_PARTNER = "supporting_partner", "Supporting partner"


class MembershipStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class PartnerRole(models.TextChoices):
    LEAD = "lead", "Lead partner"
    SUPPORTING = "supporting", "Supporting partner"
    PARTICIPATING = "participating", "Participating government"


class InitiativeStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    ONGOING = "ongoing", "Ongoing"
    COMPLETE = "complete", "Complete"
    DEFERRED = "deferred", "Deferred"


class CostBand(models.TextChoices):
    LOW = "low", "Low (less than $1 mil)"
    MEDIUM = "medium", "Medium ($1-10 mil)"
    HIGH = "high", "High ($10+ mil)"


class TimelineBand(models.TextChoices):
    ONGOING = "ongoing", "Ongoing"
    NEAR = "near", "Near-term (within 5 years)"
    MEDIUM = "medium", "Medium-term (5-10 years)"
    LONG = "long", "Long-term (10+ years)"


class InitiativeType(models.TextChoices):
    PROJECT = "project", "Project"
    PARTNERSHIP = "partnership", "Partnership"
    POLICY = "policy", "Policy"


class TermKind(models.TextChoices):
    # A plan's goals (STLCO 2050 calls them desired outcomes) that a recommendation helps achieve.
    PLAN_GOAL = "plan_goal", "Plan goal"
    TOPIC_AREA = "topic_area", "Related planning topic area"
    GEOGRAPHIC_SCALE = "geographic_scale", "Geographic scale"
    KEY_ISSUE = "key_issue", "Key issue"
    FUNDING_SOURCE = "funding_source", "Funding source"


class AgreementKind(models.TextChoices):
    STATEMENT_OF_PURPOSE = "statement_of_purpose", "Statement of purpose"
    STATEMENT_OF_COMMON_PURPOSE = "statement_of_common_purpose", "Statement of common purpose"
    MOU = "mou", "Memorandum of understanding"
    INTERLOCAL = "interlocal", "Interlocal or cooperative agreement"
    CONTRACT = "contract", "Contract"


class VersionKind(models.TextChoices):
    ORIGINAL = "original", "Original"
    RENEWAL = "renewal", "Renewal"
    AMENDMENT = "amendment", "Amendment"
    EXPANSION = "expansion", "Expansion"
    RENEWAL_AND_EXPANSION = "renewal_expansion", "Renewal and expansion"


class Stage(models.TextChoices):
    # Values come from vocab_core so the Django-free stage gates key on the same strings.
    IDEA = core.Stage.IDEA.value, "Idea"
    EXPLORING = core.Stage.EXPLORING.value, "Exploring"
    PROPOSED = core.Stage.PROPOSED.value, "Proposed"
    APPROVED = core.Stage.APPROVED.value, "Approved"
    IMPLEMENTING = core.Stage.IMPLEMENTING.value, "Implementing"
    OPERATING = core.Stage.OPERATING.value, "Operating"
    EVALUATED = core.Stage.EVALUATED.value, "Evaluated"
    ON_HOLD = core.Stage.ON_HOLD.value, "On hold"
    WITHDRAWN = core.Stage.WITHDRAWN.value, "Withdrawn"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class KpiStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    OVER = "overperforming", "Overperforming"
    UNDER = "underperforming", "Underperforming"
    NO_DATA = "no_data", "No data"


class SyncStatus(models.TextChoices):
    NEVER = "never", "Never run"
    RUNNING = "running", "Running"
    OK = "ok", "Succeeded"
    FAILED = "failed", "Failed"
    INTERRUPTED = "interrupted", "Interrupted; the next run resumes"


class ProposalStatus(models.TextChoices):
    """Where an adoption found in a council's legislation stands: only a person confirms or dismisses it."""

    PROPOSED = "proposed", "Proposed"
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"


# --- self-assessments (issue 11) ---


class FrameworkKind(models.TextChoices):
    CYBER = "cyber", "Cybersecurity review"
    TRAINING = "training", "Training and safety needs"


class NodeKind(models.TextChoices):
    # Cybersecurity frameworks: function -> category -> item; questionnaires: section -> item (a question).
    FUNCTION = "function", "Function"
    CATEGORY = "category", "Category"
    SECTION = "section", "Section"
    ITEM = "item", "Item"


class RoundStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class RoundMemberStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    REOPENED = "reopened", "Reopened"


class DeliveryMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online, live"
    SELF_PACED = "self_paced", "Online, self-paced"
    ON_SITE = "on_site", "On site at our government"


# Background jobs (issue 12): a task's life from the queue to its result.
class JobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
