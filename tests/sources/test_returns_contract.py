"""The returns contract (sources/returns/contract.py) against RETURNS.md, the document partners
fill their spreadsheets from: every return's columns in order, their types, which are required
and the allowed values, transcribed here by hand from ../shared/RETURNS.md (not read from the
code under test). Also the parts RETURNS.md leaves to the project, pinned: the plausible
maxima (docs/returns.md gives them, but for the newsletter's edition number), the unique keys,
the dating column and which columns are personal. A contract that drifts from the document
fails here before a partner's file does."""

from __future__ import annotations

import dataclasses

import pytest

from sources.returns.contract import NOT_RECORDED, RETURNS, TYPES, Column, Return, get

# RETURNS.md's types as written there -> the contract's. A pseudonymous reference is "text" in
# RETURNS.md ("never a name"); the contract checks it as a reference.
DOC_TYPE = {"text": {"text", "reference"}, "date": {"date"}, "month": {"month"},
            "count": {"count"}, "whole number": {"whole"}, "money": {"money"},
            "yes/no": {"yesno"}}

# kind -> [(column, type as RETURNS.md writes it or the allowed values, required)]
DOCUMENT: dict[str, list[tuple[str, str | tuple[str, ...], bool]]] = {
    "events": [
        ("event_id", "text", True), ("event_date", "date", True),
        ("event_type", ("carers_week", "carers_rights_day", "network_meeting",
                        "strategic_group_meeting", "peer_support", "coproduction_session",
                        "health_wellbeing_session", "information_session", "other"), True),
        ("title", "text", True), ("organiser", "text", True), ("locality", "text", True),
        ("meeting_place", "text", True), ("coproduced", "yes/no", True),
        ("carers_attending", "count", True), ("young_carers_attending", "count", False),
        ("professionals_attending", "count", False), ("carer_reps_attending", "count", False),
        ("health_wellbeing_checks", "count", False)],
    "membership": [
        ("group", ("network", "strategic_group", "carer_reference_group", "other"), True),
        ("as_at", "date", True), ("members", "count", True)],
    "newsletter": [
        ("edition", "whole number", True), ("issue_date", "date", True),
        ("subscribers", "count", True), ("delivered", "count", False),
        ("unique_opens", "count", False), ("unique_clicks", "count", False),
        ("unsubscribes", "count", False), ("print_copies", "count", False)],
    "web": [
        ("month", "month", True), ("page_views", "count", True), ("users", "count", True),
        ("directory_views", "count", False)],
    "information_requests": [
        ("month", "month", True),
        ("channel", ("web", "phone", "email", "in_person", "post", "other"), True),
        ("pack_requests", "count", True), ("other_requests", "count", False)],
    "grant_awards": [
        ("grant_id", "text", True), ("programme", "text", True), ("applicant", "text", True),
        ("applicant_type", ("organisation", "individual"), True),
        ("application_date", "date", True),
        ("decision", ("awarded", "declined", "ineligible", "withdrawn", "pending"), True),
        ("amount_requested_gbp", "money", False), ("amount_awarded_gbp", "money", False),
        ("focus", "text", False)],
    "grant_outcomes": [
        ("grant_id", "text", True), ("return_date", "date", True),
        ("beneficiaries", "count", True), ("respondents", "count", False),
        ("improved_physical", "count", False), ("improved_social", "count", False),
        ("improved_mental", "count", False), ("improved_emotional", "count", False),
        ("case_studies", "count", False)],
    "young_carers_support": [
        ("case_ref", "text", True), ("referral_date", "date", True),
        ("referral_source", ("school", "parent", "self", "health", "social_care",
                             "voluntary_sector", "other"), True),
        ("assessment_date", "date", False),
        ("support_type", ("one_to_one", "group", "information_only", "none"), True),
        ("support_start", "date", False), ("support_end", "date", False),
        ("age_band", ("5-10", "11-15", "16-17"), False)],
    "carer_assessments": [
        ("case_ref", "text", True), ("request_date", "date", True),
        ("completed_date", "date", False),
        ("outcome", ("support_plan", "direct_payment", "information_advice",
                     "no_eligible_needs", "declined", "pending"), True),
        ("needs_identified", "whole number", False), ("needs_met", "whole number", False),
        ("carer_age_band", ("18-24", "25-49", "50-64", "65-74", "75+"), False)],
}

# The plausible maxima (docs/returns.md, "Every count, whole number and amount has a plausible
# maximum"): above these a number is a typing slip, not a count.
MAXIMA = {
    "events": dict.fromkeys(("carers_attending", "young_carers_attending",
                             "professionals_attending", "carer_reps_attending",
                             "health_wellbeing_checks"), 2000),
    "membership": {"members": 1000},
    "newsletter": {"edition": 10_000, **dict.fromkeys(
        ("subscribers", "delivered", "unique_opens", "unique_clicks", "unsubscribes",
         "print_copies"), 300_000)},
    "web": dict.fromkeys(("page_views", "users", "directory_views"), 10_000_000),
    "information_requests": dict.fromkeys(("pack_requests", "other_requests"), 100_000),
    "grant_awards": dict.fromkeys(("amount_requested_gbp", "amount_awarded_gbp"), 5_000_000),
    "grant_outcomes": dict.fromkeys(("beneficiaries", "respondents", "improved_physical",
                                     "improved_social", "improved_mental",
                                     "improved_emotional", "case_studies"), 300_000),
    "young_carers_support": {},
    "carer_assessments": {"needs_identified": 100, "needs_met": 100},
}

# kind -> (period column, key, key unique across senders, rows about people, personal columns)
SHAPE = {
    "events": ("event_date", ("organiser", "event_id"), True, False, []),
    "membership": ("as_at", ("group", "as_at"), False, False, []),
    "newsletter": ("issue_date", ("edition",), False, False, []),
    "web": ("month", ("month",), False, False, []),
    "information_requests": ("month", ("month", "channel"), False, False, []),
    "grant_awards": ("application_date", ("grant_id",), True, True, ["applicant"]),
    "grant_outcomes": ("return_date", ("grant_id", "return_date"), False, False, []),
    "young_carers_support": ("referral_date",
                             ("case_ref", "referral_date", "support_type", "support_start"),
                             False, True, ["case_ref"]),
    "carer_assessments": ("request_date", ("case_ref", "request_date"), False, True,
                          ["case_ref"]),
}

# The rules across columns, by name, in the order they are checked.
RULES = {
    "events": ["not_in_future", "reps_are_carers_attending"],
    "membership": ["not_in_future"],
    "newsletter": ["not_in_future"],
    "web": [],
    "information_requests": [],
    "grant_awards": ["awarded_needs_amount", "not_in_future",
                     "individual_applicant_pseudonymous"],
    "grant_outcomes": ["improved_physical_not_above_respondents",
                       "improved_social_not_above_respondents",
                       "improved_mental_not_above_respondents",
                       "improved_emotional_not_above_respondents"],
    "young_carers_support": ["not_in_future", "assessment_after_referral", "end_after_start",
                             "support_needs_start", "support_after_referral",
                             "support_end_not_in_future"],
    "carer_assessments": ["not_in_future", "completed_after_request",
                          "met_not_above_identified"],
}


def test_the_contract_has_the_nine_returns_of_returns_md_in_order():
    assert list(RETURNS) == list(DOCUMENT)
    assert all(spec.kind == kind for kind, spec in RETURNS.items())


@pytest.mark.parametrize("kind", list(DOCUMENT))
def test_columns_types_required_and_allowed_values_are_those_of_returns_md(kind):
    spec = RETURNS[kind]
    assert spec.names == [name for name, _, _ in DOCUMENT[kind]]
    assert spec.required == [name for name, _, required in DOCUMENT[kind] if required]
    for name, written, required in DOCUMENT[kind]:
        column = spec.column(name)
        assert column.required is required, name
        if isinstance(written, tuple):
            assert (column.type, column.allowed) == ("enum", written), name
        else:
            assert column.type in DOC_TYPE[written], name
            assert column.allowed == (), name


@pytest.mark.parametrize("kind", list(DOCUMENT))
def test_maxima_keys_dating_column_and_personal_columns(kind):
    spec = RETURNS[kind]
    assert {c.name: c.maximum for c in spec.columns if c.maximum is not None} == MAXIMA[kind]
    period, key, across, personal, personal_columns = SHAPE[kind]
    assert (spec.period_column, spec.key, spec.key_across_senders, spec.personal) == (
        period, key, across, personal)
    assert spec.personal_columns == personal_columns
    assert [c.name for c in spec.columns if c.personal] == personal_columns
    assert [r.name for r in spec.rules] == RULES[kind]


def test_each_rule_names_a_column_of_its_return_and_reads_only_bound_values():
    for spec in RETURNS.values():
        for rule in spec.rules:
            assert rule.column in spec.names, (spec.kind, rule.name)
            assert rule.rule and rule.fix.endswith("."), (spec.kind, rule.name)
            # $today is the only value a rule takes; no literal date is written into SQL.
            assert "$" not in rule.broken_when.replace("$today", ""), rule.name


def test_improvements_are_checked_against_respondents_column_by_column():
    rules = {r.name: r for r in RETURNS["grant_outcomes"].rules}
    assert rules["improved_mental_not_above_respondents"].column == "improved_mental"
    assert rules["improved_mental_not_above_respondents"].broken_when == (
        "improved_mental > respondents")
    assert rules["improved_mental_not_above_respondents"].rule == (
        "improved_mental is more than the number of respondents")


def test_column_lookup_and_its_refusal():
    events = RETURNS["events"]
    assert events.column("carers_attending") == Column(
        "carers_attending", "count", True, "", (), 2000, False)
    assert events.column("event_id").meaning == "unique within the organiser"
    with pytest.raises(KeyError) as raised:
        events.column("attendance")
    assert raised.value.args == ("attendance",)


def test_how_each_type_is_described_to_a_partner():
    membership = RETURNS["membership"]
    assert membership.column("group").describe_type == (
        "one of: network, strategic_group, carer_reference_group, other")
    assert membership.column("members").describe_type == (
        "a whole number of 0 or more, e.g. 12 or 1,250 (blank means not recorded)")
    assert membership.column("as_at").describe_type == (
        "a date: 2025-06-09, 09/06/2025 or an Excel date")
    assert RETURNS["web"].column("month").describe_type == "a month: 2025-06"
    assert RETURNS["events"].column("coproduced").describe_type == "yes or no"
    assert set(TYPES) == {"text", "date", "month", "count", "whole", "money", "reference",
                          "yesno", "enum"}


def test_not_recorded_markers_are_blanks_never_zero():
    assert NOT_RECORDED == ("n/a", "na", "not recorded", "not known", "unknown", "-", "--", "?")
    assert "0" not in NOT_RECORDED and "none" not in NOT_RECORDED


def test_get_a_return_by_name_or_a_clear_refusal():
    assert get("web") is RETURNS["web"]
    with pytest.raises(KeyError) as raised:
        get("event")
    assert raised.value.args == (
        "no return called 'event'; returns are: events, membership, newsletter, web, "
        "information_requests, grant_awards, grant_outcomes, young_carers_support, "
        "carer_assessments",)
    assert raised.value.__suppress_context__


def test_a_return_made_by_hand_defaults_to_no_key_rules_or_personal_rows():
    spec = Return("x", "X", (Column("a", "text", False),), "a")
    assert (spec.key, spec.rules, spec.personal, spec.key_across_senders, spec.about,
            spec.extra) == ((), (), False, False, "", {})
    assert spec.required == [] and spec.personal_columns == []


def test_names_and_types_read_from_a_file_are_compared_by_value():
    # A header cell or a type read at run time is a new string, not the contract's own object.
    name = "".join(["carers_", "attending"])
    assert RETURNS["events"].column(name).maximum == 2000
    enum = "".join(["en", "um"])
    assert Column("band", enum, False, allowed=("a", "b")).describe_type == "one of: a, b"


def test_the_contract_cannot_be_changed_while_running():
    events = RETURNS["events"]
    for thing, attribute, value in ((events, "kind", "x"), (events.columns[0], "required", False),
                                    (events.rules[0], "broken_when", "false")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(thing, attribute, value)
