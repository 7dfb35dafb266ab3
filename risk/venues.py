"""Exchange rule families, as data.

Each family differs only in a few switches, listed in :data:`RULES`:

- ``mm_valued_at``: where the maintenance margin of the trigger is valued. ``"mark"`` (Binance,
  OKX/Gate, Hyperliquid, generic): at the liquidation price itself, so the tier is that of the
  notional at the liquidation price. ``"entry"`` (Bybit): at the entry price.
- ``fee_in_trigger``: OKX and Gate add the taker fee to close to the maintenance margin, so the
  position is liquidated when equity = notional * (mmr + taker) - maintenance_amount.
- which contracts and margin modes the family's published formula covers.

Sources (docs/formulas.md sections 1-6): Binance FAQ b3c689c1f50a44cabb3a84e663b81d93
and 360033525271; Binance COIN-M FAQ; Bybit help "Liquidation Price (USDT Contract)"; Gate help
27724 and OKX isolated-mode introduction; Hyperliquid docs "Liquidations" and "Margin tiers".
"""

from __future__ import annotations

from dataclasses import dataclass

from risk._validate import check_choice, check_range
from risk.market.symbols import to_app_symbol
from risk.tiers import TierTable, shipped_table


@dataclass(frozen=True)
class VenueRules:
    name: str
    mm_valued_at: str  # "mark" | "entry"
    fee_in_trigger: bool
    contracts: tuple[str, ...]
    margin_modes: tuple[str, ...]
    source: str
    #: Hyperliquid states a maximum leverage per asset; the rate is 1 / (2 * max_leverage).
    mmr_from_max_leverage: bool = False
    #: Default USD face value of one inverse contract, by symbol prefix ("" = any).
    inverse_contract_size: tuple[tuple[str, float], ...] = (("", 1.0),)


RULES: dict[str, VenueRules] = {
    "binance": VenueRules(
        "binance",
        "mark",
        False,
        ("linear", "inverse"),
        ("isolated", "cross"),
        "Binance FAQ 'How to Calculate Liquidation Price of USDⓈ-M Futures Contracts' "
        "(binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93) and the COIN-M FAQ",
        inverse_contract_size=(("BTC", 100.0), ("", 10.0)),
    ),
    "bybit": VenueRules(
        "bybit",
        "entry",
        False,
        ("linear", "inverse"),
        ("isolated",),
        "Bybit help 'Liquidation Price (USDT Contract)', 'Liquidation Price (Inverse Contract)', "
        "'Bankruptcy Price'",
    ),
    "okx": VenueRules(
        "okx",
        "mark",
        True,
        ("linear",),
        ("isolated",),
        "OKX 'Introduction to isolated margin mode' (liquidation when equity reaches maintenance "
        "margin plus the taker fee to close)",
    ),
    "gate": VenueRules(
        "gate",
        "mark",
        True,
        ("linear",),
        ("isolated",),
        "Gate help 'Liquidation price / bankruptcy price' (gate.io/help/futures/futures/27724)",
    ),
    "hyperliquid": VenueRules(
        "hyperliquid",
        "mark",
        False,
        ("linear",),
        ("isolated", "cross"),
        "Hyperliquid docs 'Liquidations' and 'Margin tiers'",
        mmr_from_max_leverage=True,
    ),
    "generic": VenueRules(
        "generic",
        "mark",
        False,
        ("linear", "inverse"),
        ("isolated", "cross"),
        "Binance-style trigger (equity = notional at the liquidation price * mmr - "
        "maintenance_amount) with a rate the user types",
    ),
}
EXCHANGES = tuple(RULES)


@dataclass(frozen=True)
class Venue:
    """A rule family plus the maintenance tiers and taker fee that apply to one symbol."""

    rules: VenueRules
    table: TierTable
    taker_fee: float = 0.0

    def __post_init__(self) -> None:
        check_range("taker_fee", self.taker_fee, 0.0, 0.01, why="a fraction: 0.0005 = 0.05%")
        top = max(t.mmr for t in self.table.tiers)
        check_range(
            "taker_fee",
            self.taker_fee,
            0.0,
            1.0 - top,
            hi_open=True,
            why="mmr + taker fee must stay below 1",
        )

    @property
    def name(self) -> str:
        return self.rules.name

    @property
    def trigger_fee(self) -> float:
        """Fee rate that the trigger adds to the maintenance rate (OKX/Gate), else 0."""
        return self.taker_fee if self.rules.fee_in_trigger else 0.0

    def default_contract_size(self, symbol: str) -> float:
        for prefix, size in self.rules.inverse_contract_size:
            if symbol.upper().startswith(prefix):
                return size
        return 1.0


def normalize_symbol(exchange: str, symbol: str) -> str:
    """App notation, upper-case: ccxt's ``BTC/USDT:USDT``, OKX's ``BTC-USDT-SWAP`` and Gate's
    ``BTC_USDT`` are ``BTCUSDT``; Hyperliquid names assets by coin, so "BTCUSDT", "BTC-USD",
    "BTC/USDC:USDC" and "BTC" agree. The reverse is :func:`risk.market.to_ccxt_symbol`."""
    return to_app_symbol(symbol, exchange)


def get_venue(
    exchange: str,
    symbol: str = "BTCUSDT",
    *,
    mmr: float | None = None,
    maintenance_amount: float | None = None,
    max_leverage: float | None = None,
    taker_fee: float = 0.0,
    table: TierTable | None = None,
) -> Venue:
    """Resolve the rules and tier table for one exchange and symbol.

    Precedence: an explicit ``table``; then a typed ``mmr`` (with optional ``maintenance_amount``
    and ``max_leverage``), one flat tier; then, for Hyperliquid, a typed ``max_leverage`` (rate
    ``1/(2*max_leverage)``); then the table shipped in ``risk/data``. Raises ``ValueError`` for an
    unknown exchange, or a symbol with no shipped table and no typed rate.
    """
    check_choice("exchange", exchange, RULES)
    rules = RULES[exchange]
    sym = normalize_symbol(exchange, symbol)
    if table is None:
        if mmr is not None:
            table = TierTable.flat(
                mmr, maintenance_amount or 0.0, max_leverage, name=f"{sym} typed"
            )
        elif max_leverage is not None and rules.mmr_from_max_leverage:
            lev = float(check_range("max_leverage", max_leverage, 1.0))
            table = TierTable.flat(
                1.0 / (2.0 * lev), maintenance_amount or 0.0, lev, name=f"{sym} max {lev:g}x"
            )
        elif exchange == "generic":
            raise ValueError(
                "mmr=None for exchange 'generic'; allowed: 0 <= mmr < 1 (type the rate)"
            )
        else:
            table = shipped_table(exchange, sym)
            if maintenance_amount is not None:
                raise ValueError(
                    f"maintenance_amount={maintenance_amount} without mmr; allowed: give it "
                    "together with mmr"
                )
    return Venue(rules=rules, table=table, taker_fee=taker_fee)
