"""One line of a month's stipend sheet (补助发放表), as the sheet, its exports and 补发 read it."""

from dataclasses import dataclass

from ..models import Tier


@dataclass(frozen=True)
class SheetLine:
    position: int
    officer_id: int
    name: str
    phone: str
    employer: str
    township: str
    submitted: int
    valid: int
    tier: Tier
    amount: int
    note: str
    pending: int = 0  # reports still waiting for review (an open month's lines only)
    back_pay: int = 0  # 补发 carried in ``amount`` (included in it)

    @property
    def tier_label(self) -> str:
        return self.tier.label
