"""The ledgers that can be imported through the portal's pages, registered by the apps that own
them (each app's ``AppConfig.ready``), so core runs an import without knowing any app."""

from dataclasses import dataclass


@dataclass(frozen=True)
class LedgerKind:
    key: str  # "officers"
    title: str  # "信息员台账"
    resource_class: type  # a unionportal.core.ledger.LedgerResource
    columns: tuple[str, ...]  # the contract's headers, in the contract's order
    back_url_name: str  # the list the page links back to
    start_url_name: str  # the upload page
    # A unionportal.core.imports.bulk.BulkLedger: when given, the page's job (and the command) runs it
    # instead of resource_class, at bulk speed; resource_class stays for the admin's import-export page.
    bulk_class: type | None = None


_KINDS: dict[str, LedgerKind] = {}


def register(kind: LedgerKind) -> None:
    _KINDS[kind.key] = kind


def ledger_kind(key: str) -> LedgerKind:
    """Raises KeyError for a kind nobody registered."""
    return _KINDS[key]
