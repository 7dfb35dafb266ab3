"""Exchange rule families, as data.

Each family differs only in a few switches, listed in :data:`RULES` (the formulas they select are
in :mod:`risk.liquidation`):

- ``mm_valued_at``: where the maintenance margin of the trigger is valued. ``"mark"`` (Binance,
  Bybit UTA, OKX, Gate, KuCoin, Bitget, Phemex, Hyperliquid, generic): at the liquidation price
  itself, so the tier is that of the notional at the liquidation price. ``"entry"`` (Bybit regular
  account): at the entry price.
- ``close_fee``: how the fee to close enters the trigger. ``"none"``; ``"mark"`` (OKX, Gate,
  KuCoin, Bitget, Phemex): the fee to close at the liquidation price is added to the maintenance
  margin, so the position is liquidated when equity = notional * (mmr + taker) - maintenance
  amount; ``"bankruptcy"`` (Bybit): the estimated fee to close at the bankruptcy price,
  ``taker * notional(bankruptcy price)``, is added to the maintenance margin (and the bankruptcy
  price is where the equity just covers that fee).
- ``close_fee_in_margin`` (Bybit, Phemex): the margin posted with a leverage setting holds the
  estimated fee to close at the leverage's bankruptcy price on top of ``notional / leverage``
  (Bybit's "initial margin", Phemex's "assignedPosBalance").
- which contracts and margin modes the family's published formula covers.

Sources (docs/formulas.md; every family names its pages in ``source``; the formulas and worked
examples are in :mod:`risk.liquidation` and the tests): Binance FAQ
b3c689c1f50a44cabb3a84e663b81d93 and the COIN-M FAQ; Bybit help "Liquidation Price (USDT
Contract)", "How to calculate Liquidation Price (Inverse Contract)", "Liquidation Price
Calculation under Isolated Mode (Unified Trading Account)", "What is Bankruptcy Price?", "Initial
Margin (USDT Contract)", "Initial Margin Calculation (USDC Perpetual & Futures)"; OKX "Tiered
maintenance margin ratio rules"; Gate help 27724; KuCoin "How to Calculate Futures Liquidation
Price" and "Liquidation Price in Cross Margin Mode"; Bitget "Bitget futures: Estimated liquidation
price"; Phemex "Liquidation price for USDT-M perpetual contracts"; Hyperliquid docs "Liquidations"
and "Margin tiers".
"""

from __future__ import annotations

from dataclasses import dataclass

from risk._validate import check_choice, check_range
from risk.market.symbols import to_app_symbol
from risk.tiers import TierTable, shipped_table

MM_VALUED_AT = ("mark", "entry")
CLOSE_FEE = ("none", "mark", "bankruptcy")


@dataclass(frozen=True)
class VenueRules:
    name: str
    mm_valued_at: str  # "mark" | "entry"
    close_fee: str  # "none" | "mark" | "bankruptcy"
    contracts: tuple[str, ...]
    margin_modes: tuple[str, ...]
    source: str
    #: Hyperliquid states a maximum leverage per asset; the rate is 1 / (2 * max_leverage).
    mmr_from_max_leverage: bool = False
    #: Default USD face value of one inverse contract, by symbol prefix ("" = any).
    inverse_contract_size: tuple[tuple[str, float], ...] = (("", 1.0),)
    #: The posted margin holds the estimated fee to close at the leverage's bankruptcy price.
    close_fee_in_margin: bool = False
    #: The exchange whose shipped tier tables apply (Bybit's two accounts share one set).
    tiers_of: str = ""
    #: How the sidebar and the README name the family.
    label: str = ""

    def __post_init__(self) -> None:
        check_choice("mm_valued_at", self.mm_valued_at, MM_VALUED_AT)
        check_choice("close_fee", self.close_fee, CLOSE_FEE)

    @property
    def fee_in_trigger(self) -> bool:
        """The fee to close counts in the trigger (at the mark or at the bankruptcy price)."""
        return self.close_fee != "none"

    @property
    def tier_exchange(self) -> str:
        return self.tiers_of or self.name


_BYBIT_PAGES = (
    "Bybit help 'Liquidation Price (USDT Contract)', 'How to calculate Liquidation Price (Inverse "
    "Contract)' (help.bybit.com/hc/en-us/articles/360039261334), 'What is Bankruptcy Price?' "
    "(help.bybit.com/hc/en-us/articles/360011431853), 'Initial Margin (USDT Contract)' and "
    "'Initial Margin Calculation (USDC Perpetual & Futures)' (fee to close in the initial margin)"
)

RULES: dict[str, VenueRules] = {
    "binance": VenueRules(
        "binance",
        "mark",
        "none",
        ("linear", "inverse"),
        ("isolated", "cross"),
        "Binance FAQ 'How to Calculate Liquidation Price of USDⓈ-M Futures Contracts' "
        "(binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93) and the COIN-M FAQ",
        inverse_contract_size=(("BTC", 100.0), ("", 10.0)),
        label="Binance",
    ),
    "bybit": VenueRules(
        "bybit",
        "entry",
        "bankruptcy",
        ("linear", "inverse"),
        ("isolated", "cross"),
        _BYBIT_PAGES + "; regular (classic) account: maintenance margin valued at entry",
        close_fee_in_margin=True,
        label="Bybit (regular account)",
    ),
    "bybit-uta": VenueRules(
        "bybit-uta",
        "mark",
        "bankruptcy",
        ("linear", "inverse"),
        ("isolated", "cross"),
        "Bybit help 'Liquidation Price Calculation under Isolated Mode (Unified Trading Account)' "
        "(bybit.com/en/help-center/article/Liquidation-Price-Calculation-under-Isolated-Mode-"
        "Unified-Trading-Account): maintenance margin on the position value at the mark price, "
        "plus the estimated fee to close; " + _BYBIT_PAGES,
        close_fee_in_margin=True,
        tiers_of="bybit",
        label="Bybit (Unified Trading Account)",
    ),
    "okx": VenueRules(
        "okx",
        "mark",
        "mark",
        ("linear", "inverse"),
        ("isolated", "cross"),
        "OKX 'Tiered maintenance margin ratio rules' (okx.com/help/v-tiered-maintenance-margin-"
        "ratio-rules): liquidation when equity reaches maintenance margin plus the liquidation "
        "fee, isolated coin-margined ratio (margin + PnL) / (face value * contracts / mark * (mmr "
        "+ fee)); USDT-margined the same with * mark; cross 'Spot and futures mode: cross margin "
        "trading' (okx.com/help/360054225072): (balance + PnL) / (maintenance margin + "
        "liquidation fees). The fee is added to the rate; the (1 + mmr)(1 + taker) factor of "
        "'Isolated margin mode' is for spot-margin positions, not contracts",
        label="OKX",
    ),
    "gate": VenueRules(
        "gate",
        "mark",
        "mark",
        ("linear", "inverse"),
        ("isolated",),
        "Gate help 'Liquidation price / bankruptcy price' (gate.io/help/futures/futures/27724): "
        "linear (EP -/+ margin/multiplier/size) / (1 -/+ (mmr + taker)); inverse "
        "size * EP * (1 +/- mmr +/- taker) / (size +/- margin * EP)",
        label="Gate",
    ),
    "kucoin": VenueRules(
        "kucoin",
        "mark",
        "mark",
        ("linear", "inverse"),
        ("isolated",),
        "KuCoin 'How to Calculate Futures Liquidation Price' (kucoin.com/support/26694703491737): "
        "(notional - side*margin) / (size * multiplier * (1 - side*mmr - side*liquidation fee "
        "rate)); worked figures from 'Liquidation Price in Cross Margin Mode' "
        "(kucoin.com/support/35084431335065). Type the liquidation fee rate as --taker-fee",
        label="KuCoin",
    ),
    "bitget": VenueRules(
        "bitget",
        "mark",
        "mark",
        ("linear",),
        ("isolated",),
        "Bitget 'Bitget futures: Estimated liquidation price' (bitget.com/support/articles/"
        "12560603808759): (margin - size*EP*side) / (size*(mmr + taker - side)); maintenance "
        "margin with the fee, 'Bitget to update maintenance margin calculation for classic "
        "account futures' (bitget.com/support/articles/12560603841952)",
        label="Bitget",
    ),
    "phemex": VenueRules(
        "phemex",
        "mark",
        "mark",
        ("linear",),
        ("isolated",),
        "Phemex 'Liquidation price for USDT-M perpetual contracts' (phemex.com/help-center/"
        "liq-price-for-USDTM): (OpenValue -/+ assignedPosBalance -/+ mmAmount) / (1 -/+ taker "
        "-/+ mmr) / size, assignedPosBalance = OpenValue/leverage + close fee at the bankruptcy "
        "value",
        close_fee_in_margin=True,
        label="Phemex",
    ),
    "hyperliquid": VenueRules(
        "hyperliquid",
        "mark",
        "none",
        ("linear",),
        ("isolated", "cross"),
        "Hyperliquid docs 'Liquidations' and 'Margin tiers'",
        mmr_from_max_leverage=True,
        label="Hyperliquid",
    ),
    "generic": VenueRules(
        "generic",
        "mark",
        "none",
        ("linear", "inverse"),
        ("isolated", "cross"),
        "Binance-style trigger (equity = notional at the liquidation price * mmr - "
        "maintenance_amount) with a rate the user types",
        label="Generic (typed rate)",
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
        """Fee rate that the trigger adds to the maintenance rate at the mark (OKX, Gate, KuCoin,
        Bitget, Phemex), else 0. Bybit's fee to close is valued at the bankruptcy price instead
        (:attr:`bankruptcy_fee_rate`)."""
        return self.taker_fee if self.rules.close_fee == "mark" else 0.0

    @property
    def bankruptcy_fee_rate(self) -> float:
        """Fee rate charged on the notional at the bankruptcy price inside the maintenance margin
        (Bybit), else 0."""
        return self.taker_fee if self.rules.close_fee == "bankruptcy" else 0.0

    @property
    def margin_fee_rate(self) -> float:
        """Fee rate of the estimated fee to close held in the posted margin (Bybit, Phemex)."""
        return self.taker_fee if self.rules.close_fee_in_margin else 0.0

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
            table = shipped_table(rules.tier_exchange, sym)
            if maintenance_amount is not None:
                raise ValueError(
                    f"maintenance_amount={maintenance_amount} without mmr; allowed: give it "
                    "together with mmr"
                )
    return Venue(rules=rules, table=table, taker_fee=taker_fee)
