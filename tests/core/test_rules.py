from decimal import Decimal

import pytest

from carteira_core.rules import (
    DEFAULT_RULES,
    AbcRules,
    IndicatorRules,
    LifecycleRules,
    PortfolioRules,
    RulesError,
    explain_cycle_mode,
    rules_from_dict,
    rules_from_toml,
    rules_to_dict,
    rules_to_toml,
)

CLI_EXAMPLE = """
[lifecycle]
mode = "fixed"              # or "cycle"
active_days = 90
inactive_days = 180
period_days = 30
min_purchases = 1
frequency_window_days = 365

[abc]
basis = "revenue"           # or "margin"
window_days = 365
a_share = 0.80
b_share = 0.15

[indicators]
include_prospects = false
purchase_counts_as_contact = false
"""


def test_defaults_are_the_spec_defaults():
    lc, abc, ind = DEFAULT_RULES.lifecycle, DEFAULT_RULES.abc, DEFAULT_RULES.indicators
    assert (lc.mode, lc.active_days, lc.inactive_days, lc.period_days) == ("fixed", 90, 180, 30)
    assert (lc.min_purchases, lc.frequency_window_days) == (1, 365)
    assert (abc.basis, abc.window_days) == ("revenue", 365)
    assert (abc.a_share, abc.b_share) == (Decimal("0.80"), Decimal("0.15"))
    assert (ind.include_prospects, ind.purchase_counts_as_contact) == (False, False)


def test_the_cli_example_file_reads_as_the_defaults():
    assert rules_from_toml(CLI_EXAMPLE) == DEFAULT_RULES


def test_an_empty_file_means_the_defaults():
    assert rules_from_toml("") == DEFAULT_RULES


def test_shares_are_read_exactly_as_decimals():
    rules = rules_from_toml("[abc]\na_share = 0.7\nb_share = 0.2\n")
    assert rules.abc.a_share == Decimal("0.7")
    assert rules.abc.a_share + rules.abc.b_share == Decimal("0.9")


def test_toml_round_trip_keeps_every_rule():
    rules = PortfolioRules(
        lifecycle=LifecycleRules(
            mode="cycle",
            active_days=60,
            inactive_days=120,
            period_days=7,
            min_purchases=2,
            frequency_window_days=180,
            cycle_lookback_days=200,
            cycle_min_purchases=3,
            cycle_active_factor=Decimal("2.5"),
            cycle_inactive_factor=Decimal("5"),
            cycle_floor_days=10,
        ),
        abc=AbcRules(basis="margin", window_days=90, a_share=Decimal("0.7"), b_share=Decimal(0)),
        indicators=IndicatorRules(include_prospects=True, purchase_counts_as_contact=True),
    )
    assert rules_from_toml(rules_to_toml(rules)) == rules
    assert rules_from_toml(rules_to_toml(DEFAULT_RULES)) == DEFAULT_RULES


def test_dict_round_trip_keeps_every_rule():
    assert rules_from_dict(rules_to_dict(DEFAULT_RULES)) == DEFAULT_RULES
    assert rules_to_dict(DEFAULT_RULES)["abc"]["a_share"] == Decimal("0.80")


def test_a_float_share_from_a_dict_is_read_by_its_decimal_text():
    rules = rules_from_dict({"abc": {"a_share": 0.8, "b_share": 0.2}})
    assert (rules.abc.a_share, rules.abc.b_share) == (Decimal("0.8"), Decimal("0.2"))


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[lifecycle\n", "rules file is not valid TOML: "),
        ("[colors]\n", "unknown section [colors] in rules"),
        ("lifecycle = 3\n", "[lifecycle] must be a table"),
        ("[lifecycle]\nactive = 3\n", "unknown key lifecycle.active"),
        ('[lifecycle]\nmode = "weekly"\n', 'lifecycle.mode must be "fixed" or "cycle"'),
        ("[lifecycle]\nactive_days = 0\n", "lifecycle.active_days must be a positive integer"),
        ("[lifecycle]\nactive_days = 9.5\n", "lifecycle.active_days must be a positive integer"),
        ('[lifecycle]\nactive_days = "90"\n', "lifecycle.active_days must be a positive integer"),
        ("[lifecycle]\nactive_days = true\n", "lifecycle.active_days must be a positive integer"),
        (
            "[lifecycle]\ninactive_days = -1\n",
            "lifecycle.inactive_days must be a positive integer",
        ),
        ("[lifecycle]\nperiod_days = 0\n", "lifecycle.period_days must be a positive integer"),
        (
            "[lifecycle]\nmin_purchases = 0\n",
            "lifecycle.min_purchases must be a positive integer",
        ),
        (
            "[lifecycle]\nfrequency_window_days = 0\n",
            "lifecycle.frequency_window_days must be a positive integer",
        ),
        (
            "[lifecycle]\ncycle_lookback_days = 0\n",
            "lifecycle.cycle_lookback_days must be a positive integer",
        ),
        (
            "[lifecycle]\ncycle_floor_days = 0\n",
            "lifecycle.cycle_floor_days must be a positive integer",
        ),
        (
            "[lifecycle]\nactive_days = 200\n",
            "lifecycle.active_days (200) must not exceed lifecycle.inactive_days (180)",
        ),
        (
            "[lifecycle]\ncycle_min_purchases = 1\n",
            "lifecycle.cycle_min_purchases must be an integer of at least 2",
        ),
        (
            "[lifecycle]\ncycle_active_factor = 0\n",
            "lifecycle.cycle_active_factor must be a number greater than 0",
        ),
        (
            '[lifecycle]\ncycle_inactive_factor = "6"\n',
            "lifecycle.cycle_inactive_factor must be a number",
        ),
        (
            "[lifecycle]\ncycle_active_factor = 7\n",
            "lifecycle.cycle_active_factor must not exceed lifecycle.cycle_inactive_factor",
        ),
        (
            "[lifecycle]\ncycle_floor_days = 91\n",
            "lifecycle.cycle_floor_days (91) must not exceed lifecycle.active_days (90)",
        ),
        ('[abc]\nbasis = "profit"\n', 'abc.basis must be "revenue" or "margin"'),
        ("[abc]\nwindow_days = 0\n", "abc.window_days must be a positive integer"),
        ("[abc]\na_share = 0\n", "abc.a_share must be a number greater than 0 and at most 1"),
        ("[abc]\na_share = 1.5\n", "abc.a_share must be a number greater than 0 and at most 1"),
        ('[abc]\na_share = "80%"\n', "abc.a_share must be a number"),
        ("[abc]\nb_share = -0.1\n", "abc.b_share must be a number between 0 and 1"),
        ("[abc]\na_share = 0.9\nb_share = 0.15\n", "abc.a_share + abc.b_share must not exceed 1"),
        ("[abc]\na_share = nan\n", "abc.a_share must be a number"),
        (
            "[indicators]\ninclude_prospects = 1\n",
            "indicators.include_prospects must be true or false",
        ),
        (
            '[indicators]\npurchase_counts_as_contact = "yes"\n',
            "indicators.purchase_counts_as_contact must be true or false",
        ),
    ],
)
def test_a_bad_rules_file_is_refused_with_a_message_naming_the_key(toml, message):
    with pytest.raises(RulesError) as error:
        rules_from_toml(toml)
    assert str(error.value).startswith(message)
    if not message.endswith(": "):
        assert str(error.value) == message


def test_a_mapping_that_is_not_a_dict_is_refused():
    with pytest.raises(RulesError, match="rules must be a mapping of sections"):
        rules_from_dict([])  # type: ignore[arg-type]


def test_rules_are_frozen():
    with pytest.raises(AttributeError):
        DEFAULT_RULES.lifecycle.active_days = 10  # type: ignore[misc]


def test_fixed_mode_explanation_states_the_thresholds():
    text = explain_cycle_mode(DEFAULT_RULES)
    assert text.startswith("Fixed thresholds. A client is active while its last purchase is")
    assert "at most 90 days old" in text
    assert "inactivated up to 210 days" in text


def test_cycle_mode_explanation_gives_the_weekly_example():
    text = explain_cycle_mode(PortfolioRules(lifecycle=LifecycleRules(mode="cycle")))
    assert text.startswith("Cycle mode: thresholds follow each client's own buying rhythm.")
    assert "a weekly buyer is active for 21 days" in text
    assert "fewer purchase days use the fixed thresholds" in text


def test_a_rules_error_carries_a_code_and_its_parameters():
    with pytest.raises(RulesError) as error:
        rules_from_toml("[lifecycle]\ncycle_floor_days = 91\n")
    assert (error.value.code, error.value.params) == (
        "exceeds_with_values",
        {
            "key": "lifecycle.cycle_floor_days",
            "value": 91,
            "other": "lifecycle.active_days",
            "other_value": 90,
        },
    )


def test_the_explanation_says_purchase_in_the_singular_for_one():
    text = explain_cycle_mode(DEFAULT_RULES)
    assert "with at least 1 purchase in the last 365 days" in text
    more = explain_cycle_mode(PortfolioRules(lifecycle=LifecycleRules(min_purchases=2)))
    assert "with at least 2 purchases in the last 365 days" in more
