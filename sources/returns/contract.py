"""The data contract for local returns, transcribed from RETURNS.md.

Partners fill these columns; their names and meanings stay stable. Each return declares its
columns (type, whether required, allowed values), the column that dates a row (for financial
years and resubmissions), the key that must be unique, and any rules across columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column types and how a partner should write them.
TYPES = {
    "text": "text",
    "date": "a date: 2025-06-09, 09/06/2025 or an Excel date",
    "month": "a month: 2025-06",
    "count": "a whole number of 0 or more, e.g. 12 or 1,250 (blank means not recorded)",
    "whole": "a whole number of 0 or more, e.g. 12 or 1,250",
    "money": "an amount in pounds, e.g. 250, 1,250 or £249.99 (at most two decimal places)",
    "reference": "a pseudonymous reference: one code such as YC-0123 (letters and digits, "
                 "at least one digit), never a name, e-mail address or phone number",
    "yesno": "yes or no",
    "enum": "one of the allowed values",
}

# Cells that mean "not recorded": treated as blank, never as zero.
NOT_RECORDED = ("n/a", "na", "not recorded", "not known", "unknown", "-", "--", "?")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    meaning: str = ""
    allowed: tuple[str, ...] = ()
    maximum: int | None = None  # plausible maximum for counts, whole numbers and amounts
    personal: bool = False  # identifies a person: never shown in Dagster metadata or logs

    @property
    def describe_type(self) -> str:
        if self.type == "enum":
            return "one of: " + ", ".join(self.allowed)
        return TYPES[self.type]


@dataclass(frozen=True)
class Rule:
    """A rule across columns, as a SQL condition on the typed columns that is TRUE when the row
    breaks it. SQL is our own code; values it needs are bound as parameters ($today)."""

    name: str
    column: str
    broken_when: str
    rule: str
    fix: str


@dataclass(frozen=True)
class Return:
    kind: str
    title: str
    columns: tuple[Column, ...]
    period_column: str  # dates the row: financial year and resubmission period
    key: tuple[str, ...] = ()  # unique within one organisation's current returns
    rules: tuple[Rule, ...] = ()
    personal: bool = False  # rows are about people: references never leave the warehouse
    # The key is unique across every sender (it names its own scope, e.g. organiser), so a
    # second sender's row with the same key is quarantined naming both files; otherwise the
    # key is unique within one sender's returns.
    key_across_senders: bool = False
    about: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


    @property
    def personal_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.personal]


def _c(name: str, type_: str, required: bool, meaning: str = "", allowed: tuple[str, ...] = (),
       maximum: int | None = None, personal: bool = False) -> Column:
    return Column(name, type_, required, meaning, allowed, maximum, personal)


# Plausibility limit for attendance at one event: the largest Carers Week event in Rotherham is
# a few hundred people; more than this is almost certainly a typing error.
MAX_ATTENDANCE = 2000
# Plausible maxima for the other numbers partners send (one row each): well above anything
# Rotherham (265,000 people) could report, far below a typing slip such as 1e9.
MAX_MEMBERS = 1000  # members of one group
MAX_EDITION = 10_000  # newsletter edition number
MAX_SUBSCRIBERS = 300_000  # a newsletter's list, copies, opens: above the borough's population
MAX_MONTHLY_VIEWS = 10_000_000  # web page views or users in one month
MAX_MONTHLY_REQUESTS = 100_000  # information requests by one channel in one month
MAX_BENEFICIARIES = 300_000  # carers benefiting from one grant in one monitoring period
MAX_GRANT_GBP = 5_000_000  # pounds requested or awarded in one application
MAX_NEEDS = 100  # needs recorded at one carer's assessment

EVENTS = Return(
    kind="events",
    title="Events, sessions and meetings",
    about="One row per event, session or meeting.",
    period_column="event_date",
    key=("organiser", "event_id"),
    key_across_senders=True,
    columns=(
        _c("event_id", "text", True, "unique within the organiser"),
        _c("event_date", "date", True),
        _c("event_type", "enum", True, "", (
            "carers_week", "carers_rights_day", "network_meeting", "strategic_group_meeting",
            "peer_support", "coproduction_session", "health_wellbeing_session",
            "information_session", "other")),
        _c("title", "text", True),
        _c("organiser", "text", True, "organisation running it"),
        _c("locality", "text", True, "area of the borough, borough-wide or online"),
        _c("meeting_place", "text", True, "venue name, or online"),
        _c("coproduced", "yesno", True, "planned and run with carers"),
        _c("carers_attending", "count", True, "", maximum=MAX_ATTENDANCE),
        _c("young_carers_attending", "count", False, "", maximum=MAX_ATTENDANCE),
        _c("professionals_attending", "count", False, "", maximum=MAX_ATTENDANCE),
        _c("carer_reps_attending", "count", False,
           "carers attending as representatives at strategic meetings", maximum=MAX_ATTENDANCE),
        _c("health_wellbeing_checks", "count", False,
           "checks or support interventions delivered", maximum=MAX_ATTENDANCE),
    ),
    rules=(
        Rule("not_in_future", "event_date", "event_date > $today",
             "the event date is in the future", "Only send events that have taken place."),
        Rule("reps_are_carers_attending", "carer_reps_attending",
             "carer_reps_attending > carers_attending",
             "carer_reps_attending is more than carers_attending (representatives are carers "
             "attending, so they are counted in carers_attending too)",
             "Check both numbers; carers_attending includes the carer representatives."),
    ),
)

MEMBERSHIP = Return(
    kind="membership",
    title="Group membership",
    about="Group size over time (for attendance rates).",
    period_column="as_at",
    key=("group", "as_at"),
    columns=(
        _c("group", "enum", True, "", ("network", "strategic_group", "carer_reference_group",
                                       "other")),
        _c("as_at", "date", True),
        _c("members", "count", True, "registered members on that date", maximum=MAX_MEMBERS),
    ),
    rules=(
        Rule("not_in_future", "as_at", "as_at > $today", "the date is in the future",
             "Give the date the membership count was taken."),
    ),
)

NEWSLETTER = Return(
    kind="newsletter",
    title="Carers newsletter",
    about="One row per edition.",
    period_column="issue_date",
    key=("edition",),
    columns=(
        _c("edition", "whole", True, "1, 2, 3, ...", maximum=MAX_EDITION),
        _c("issue_date", "date", True),
        _c("subscribers", "count", True, "list size when sent", maximum=MAX_SUBSCRIBERS),
        _c("delivered", "count", False, maximum=MAX_SUBSCRIBERS),
        _c("unique_opens", "count", False, maximum=MAX_SUBSCRIBERS),
        _c("unique_clicks", "count", False, maximum=MAX_SUBSCRIBERS),
        _c("unsubscribes", "count", False, maximum=MAX_SUBSCRIBERS),
        _c("print_copies", "count", False, "paper copies distributed",
           maximum=MAX_SUBSCRIBERS),
    ),
    rules=(
        Rule("not_in_future", "issue_date", "issue_date > $today",
             "the issue date is in the future", "Only send editions that have been sent."),
    ),
)

WEB = Return(
    kind="web",
    title="Carers web pages",
    about="One row per month for the carers web pages.",
    period_column="month",
    key=("month",),
    columns=(
        _c("month", "month", True),
        _c("page_views", "count", True, maximum=MAX_MONTHLY_VIEWS),
        _c("users", "count", True, maximum=MAX_MONTHLY_VIEWS),
        _c("directory_views", "count", False, "views of the carers directory",
           maximum=MAX_MONTHLY_VIEWS),
    ),
)

INFORMATION_REQUESTS = Return(
    kind="information_requests",
    title="Information requests",
    about="One row per month and channel.",
    period_column="month",
    key=("month", "channel"),
    columns=(
        _c("month", "month", True),
        _c("channel", "enum", True, "", ("web", "phone", "email", "in_person", "post", "other")),
        _c("pack_requests", "count", True, "information packs requested",
           maximum=MAX_MONTHLY_REQUESTS),
        _c("other_requests", "count", False, maximum=MAX_MONTHLY_REQUESTS),
    ),
)

GRANT_AWARDS = Return(
    kind="grant_awards",
    title="Grant applications and awards",
    about="One row per application.",
    period_column="application_date",
    key=("grant_id",),
    key_across_senders=True,
    personal=True,
    columns=(
        _c("grant_id", "text", True, "unique"),
        _c("programme", "text", True, "e.g. small_grants_2022, covid_carers_grant_2020"),
        _c("applicant", "text", True,
           "organisation name; for grants to individuals, a reference, never a name",
           personal=True),
        _c("applicant_type", "enum", True, "", ("organisation", "individual")),
        _c("application_date", "date", True),
        _c("decision", "enum", True, "", ("awarded", "declined", "ineligible", "withdrawn",
                                          "pending")),
        _c("amount_requested_gbp", "money", False, maximum=MAX_GRANT_GBP),
        _c("amount_awarded_gbp", "money", False, "required when awarded",
           maximum=MAX_GRANT_GBP),
        _c("focus", "text", False,
           "carers supported, e.g. dementia, parent_carers, young_carers, general"),
    ),
    rules=(
        Rule("awarded_needs_amount", "amount_awarded_gbp",
             "decision = 'awarded' and amount_awarded_gbp is null",
             "an awarded grant needs the amount awarded",
             "Fill in amount_awarded_gbp for every awarded grant."),
        Rule("not_in_future", "application_date", "application_date > $today",
             "the application date is in the future", "Check the application date."),
        # The one parser of references (sources.returns.values), registered in DuckDB.
        Rule("individual_applicant_pseudonymous", "applicant",
             "applicant_type = 'individual' and carers_reference_problem(applicant) is not null",
             "a grant to an individual names the applicant by a pseudonymous reference, and "
             "this is not one (a name, e-mail address or phone number is refused)",
             "Replace it with the grant's own reference for the person (e.g. CG-0042), never "
             "their name, e-mail address or phone number."),
    ),
)

GRANT_OUTCOMES = Return(
    kind="grant_outcomes",
    title="Grant monitoring returns",
    about="One row per monitoring return.",
    period_column="return_date",
    key=("grant_id", "return_date"),
    columns=(
        _c("grant_id", "text", True, "must match an awarded grant"),
        _c("return_date", "date", True),
        _c("beneficiaries", "count", True, "carers who benefited in the period",
           maximum=MAX_BENEFICIARIES),
        _c("respondents", "count", False, "carers asked about outcomes",
           maximum=MAX_BENEFICIARIES),
        _c("improved_physical", "count", False,
           "respondents reporting improved physical wellbeing", maximum=MAX_BENEFICIARIES),
        _c("improved_social", "count", False, "likewise, social", maximum=MAX_BENEFICIARIES),
        _c("improved_mental", "count", False, "likewise, mental", maximum=MAX_BENEFICIARIES),
        _c("improved_emotional", "count", False, "likewise, emotional",
           maximum=MAX_BENEFICIARIES),
        _c("case_studies", "count", False, "case studies of positive outcomes gathered",
           maximum=MAX_BENEFICIARIES),
    ),
    rules=tuple(
        Rule(f"{c}_not_above_respondents", c, f"{c} > respondents",
             f"{c} is more than the number of respondents",
             "Count only respondents who reported an improvement.")
        for c in ("improved_physical", "improved_social", "improved_mental",
                  "improved_emotional")
    ),
)

YOUNG_CARERS_SUPPORT = Return(
    kind="young_carers_support",
    title="Young carers' service",
    about="The young carers' service, one row per referral or support episode.",
    period_column="referral_date",
    key=("case_ref", "referral_date", "support_type", "support_start"),
    personal=True,
    columns=(
        _c("case_ref", "reference", True,
           "the service's pseudonymous reference for the young carer, never a name",
           personal=True),
        _c("referral_date", "date", True),
        _c("referral_source", "enum", True, "", ("school", "parent", "self", "health",
                                                 "social_care", "voluntary_sector", "other")),
        _c("assessment_date", "date", False, "young carer's needs assessment completed"),
        _c("support_type", "enum", True, "", ("one_to_one", "group", "information_only",
                                              "none")),
        _c("support_start", "date", False),
        _c("support_end", "date", False, "blank while support continues"),
        _c("age_band", "enum", False, "", ("5-10", "11-15", "16-17")),
    ),
    rules=(
        Rule("not_in_future", "referral_date", "referral_date > $today",
             "the referral date is in the future", "Check the referral date."),
        Rule("assessment_after_referral", "assessment_date", "assessment_date < referral_date",
             "the assessment is dated before the referral",
             "Check both dates: an assessment follows its referral."),
        Rule("end_after_start", "support_end", "support_end < support_start",
             "support ends before it starts", "Check support_start and support_end."),
        Rule("support_needs_start", "support_start",
             "support_type in ('one_to_one', 'group') and support_start is null",
             "one-to-one or group support needs the date it started",
             "Fill in support_start, or set support_type to none if support has not begun."),
        Rule("support_after_referral", "support_start", "support_start < referral_date",
             "support starts before the referral",
             "Check both dates: support follows its referral (a new referral gets a new row)."),
        Rule("support_end_not_in_future", "support_end", "support_end > $today",
             "support ends in the future",
             "Leave support_end blank while support continues."),
    ),
)

CARER_ASSESSMENTS = Return(
    kind="carer_assessments",
    title="Carers' assessments",
    about="Adult social care, one row per carer's assessment request.",
    period_column="request_date",
    key=("case_ref", "request_date"),
    personal=True,
    columns=(
        _c("case_ref", "reference", True, "pseudonymous reference, never a name",
           personal=True),
        _c("request_date", "date", True, "assessment requested or needs appeared"),
        _c("completed_date", "date", False, "blank while waiting"),
        _c("outcome", "enum", True, "", ("support_plan", "direct_payment", "information_advice",
                                         "no_eligible_needs", "declined", "pending")),
        _c("needs_identified", "whole", False, "needs recorded at assessment",
           maximum=MAX_NEEDS),
        _c("needs_met", "whole", False, "of which support is in place at review",
           maximum=MAX_NEEDS),
        _c("carer_age_band", "enum", False, "", ("18-24", "25-49", "50-64", "65-74", "75+")),
    ),
    rules=(
        Rule("not_in_future", "request_date", "request_date > $today",
             "the request date is in the future", "Check the request date."),
        Rule("completed_after_request", "completed_date", "completed_date < request_date",
             "the assessment is completed before it was requested",
             "Check request_date and completed_date."),
        Rule("met_not_above_identified", "needs_met", "needs_met > needs_identified",
             "more needs met than identified",
             "needs_met counts only needs that were identified at assessment."),
    ),
)

RETURNS: dict[str, Return] = {r.kind: r for r in (
    EVENTS, MEMBERSHIP, NEWSLETTER, WEB, INFORMATION_REQUESTS, GRANT_AWARDS, GRANT_OUTCOMES,
    YOUNG_CARERS_SUPPORT, CARER_ASSESSMENTS)}


def get(kind: str) -> Return:
    try:
        return RETURNS[kind]
    except KeyError:
        raise KeyError(f"no return called {kind!r}; returns are: {', '.join(RETURNS)}") from None
