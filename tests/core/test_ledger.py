"""Cell parsing shared by the ledger imports (unionportal/ledger.py)."""

from decimal import Decimal

import pytest

from unionportal.core.ledger import cell_money


@pytest.mark.parametrize(
    ("value", "amount"),
    [(110.00000000000001, Decimal("110.00")), (0.30000000000000004, Decimal("0.30")), (12.5, Decimal("12.50"))],
)
def test_excel_float_amounts(value, amount):
    assert cell_money(value) == amount
