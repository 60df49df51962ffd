"""Amounts typed in a currency's main unit, read back into minor units."""

import pytest

from saveflow.money import to_minor


@pytest.mark.parametrize(
    ("typed", "currency", "minor"),
    [
        ("500", "usd", 50000),
        ("500.5", "USD", 50050),
        (" 1,250.05 ", "eur", 125005),
        ("0.01", "gbp", 1),
        ("60000", "jpy", 60000),
        ("60,000", "JPY", 60000),
        ("-3", "usd", -300),
    ],
)
def test_an_amount_in_the_main_unit_becomes_minor_units(typed, currency, minor):
    assert to_minor(typed, currency) == minor


@pytest.mark.parametrize(
    ("typed", "currency", "message"),
    [
        ("12.5", "jpy", "JPY amounts are whole numbers"),
        ("0.001", "usd", "USD amounts are to the cent"),
        ("lots", "usd", "'lots' is not an amount"),
        ("", "usd", "'' is not an amount"),
        ("NaN", "usd", "'NaN' is not an amount"),
        ("Infinity", "usd", "'Infinity' is not an amount"),
    ],
)
def test_what_is_not_an_amount_says_why(typed, currency, message):
    with pytest.raises(ValueError) as refused:
        to_minor(typed, currency)
    assert str(refused.value) == message
