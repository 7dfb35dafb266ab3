"""Several positions in one account: margin in use, margin ratio, and cross versus isolated
liquidation prices.

Model (Binance USDⓈ-M conventions, "Margin Ratio" and "Cross vs isolated" FAQs): the wallet
balance holds every position's margin; ``margin balance = wallet + unrealized PnL of all
positions``; ``margin utilization = initial margin in use / margin balance`` with initial margin
``notional(mark) / leverage``; ``margin ratio = maintenance margin / margin balance`` and the
account is liquidated when it reaches 100%. In cross mode a position's liquidation price counts
the OTHER positions' maintenance margin (TMM1) and unrealized PnL (UPNL1) at their marks; in
isolated mode only its own margin backs it. All positions are linear and quoted in the same
currency as the wallet. Each position's maintenance margin is its venue's own (:attr:`Holding.
maintenance`: at entry for the Bybit regular account, the fee to close inside where the venue
puts it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from risk._validate import check_positive, check_range
from risk.liquidation import close_fee_in_margin, liquidation_price, maintenance_margin
from risk.margin import margin_at_mark, margin_ratio
from risk.positions import Account, Position
from risk.venues import Venue


@dataclass(frozen=True)
class Holding:
    """A position held in an account, valued at ``mark_price``."""

    symbol: str
    position: Position
    mark_price: float
    venue: Venue

    def __post_init__(self) -> None:
        check_positive("mark_price", self.mark_price)
        if self.position.is_inverse:
            raise ValueError("contract='inverse' in a multi-position account; allowed: linear")

    @property
    def upnl(self) -> float:
        return float(self.position.pnl(self.mark_price))

    @property
    def maintenance(self) -> float:
        """Maintenance margin as the venue defines it, margin currency: on the value at the mark
        (at the entry for the Bybit regular account, "Liquidation Price (USDT Contract)"), plus
        the fee to close where the venue counts it: taker x value at the mark (OKX, Gate, KuCoin,
        Bitget, Phemex), or Bybit's estimated fee to close at the position's own leverage
        bankruptcy price ("Initial Margin Calculation (USDC Perpetual & Futures)"; in an account
        of several positions no single bankruptcy price of the balance belongs to one of them)."""
        pos, venue = self.position, self.venue
        at = pos.ep if venue.rules.mm_valued_at == "entry" else self.mark_price
        mm = float(maintenance_margin(pos, venue, at))
        mm += venue.trigger_fee * float(pos.notional_at(self.mark_price))
        if venue.bankruptcy_fee_rate > 0:
            mm += float(close_fee_in_margin(pos, venue))
        return mm

    @property
    def initial_margin(self) -> float:
        pos = self.position
        return float(pos.notional_at(self.mark_price) / np.asarray(pos.leverage_setting))


@dataclass(frozen=True)
class AccountState:
    wallet_balance: float
    margin_balance: float  # wallet + all unrealized PnL
    initial_margin: float  # in use, at marks
    maintenance_margin: float
    utilization: float  # initial margin / margin balance
    margin_ratio: float  # maintenance / margin balance; liquidation at 1.0
    cross_liquidation_prices: tuple[float, ...]  # every position in cross with the whole wallet
    isolated_liquidation_prices: tuple[float, ...]  # each position on its own margin

    @property
    def already_liquidatable(self) -> bool:
        """The account is at or below maintenance now (margin ratio >= 100%, Binance "Margin
        Ratio" FAQ): the cross positions are being liquidated, no further move is needed."""
        return self.margin_ratio >= 1.0


@dataclass(frozen=True)
class MarginStatus:
    """One position valued at ``mark_price``. Money in the margin currency; ``roe`` is a
    fraction of the initial margin."""

    mark_price: float
    unrealized_pnl: float  # pnl(mark)
    roe: float  # pnl(mark) / initial margin (Binance's position ROE)
    margin_balance: float  # WB + UPNL1 + pnl(mark) (isolated: margin [+ fee held] + pnl(mark))
    maintenance_margin: float  # MM + fee to close + TMM1, as the venue defines it (margin_at_mark)
    margin_ratio: float  # maintenance / margin balance; inf when the balance is not positive
    already_liquidatable: bool  # margin ratio >= 1: the exchange liquidates at this mark


def margin_status(
    position: Position, venue: Venue, mark_price: float, account: Account | None = None
) -> MarginStatus:
    """Where a position stands at ``mark_price``: unrealized PnL, ROE, margin balance,
    maintenance margin and Binance's margin ratio (:func:`risk.margin.margin_ratio`,
    ``maintenance / margin balance``, liquidation at 1.0). Maintenance and balance are the
    venue's own (:func:`risk.margin.margin_at_mark`): the Bybit regular account values the
    maintenance margin at entry whatever the mark, Bybit adds the fee to close at the bankruptcy
    price (in cross from the account's wallet), the mark-fee families the fee at the mark; so the
    two are equal exactly at the liquidation price.

    ``already_liquidatable`` is true when the ratio is at or above 1 (or the balance is gone):
    a liquidation price computed from the formula then lies on the wrong side of the mark and no
    "move to liquidation" remains.
    """
    mark = float(check_positive("mark_price", mark_price))
    pnl = float(position.pnl(mark))
    mm, balance = (float(x) for x in margin_at_mark(position, venue, mark, account))
    ratio = float(margin_ratio(position, venue, mark, account))
    return MarginStatus(
        mark_price=mark,
        unrealized_pnl=pnl,
        roe=pnl / float(position.initial_margin),
        margin_balance=balance,
        maintenance_margin=mm,
        margin_ratio=ratio,
        already_liquidatable=ratio >= 1.0,
    )


def _check_wallet(wallet_balance: float, holdings: list[Holding]) -> float:
    wb = float(check_positive("wallet_balance", wallet_balance))
    if not holdings:
        raise ValueError("holdings=[] is empty; allowed: at least one position")
    posted = sum(float(h.position.isolated_margin) for h in holdings)
    if posted > wb * (1 + 1e-12):
        raise ValueError(
            f"margin={posted:,.2f} posted across positions exceeds the wallet; allowed: "
            f"total margin <= wallet_balance={wb:,.2f}"
        )
    return wb


def cross_liquidation_price(wallet_balance: float, holdings: list[Holding], index: int) -> float:
    """Liquidation price of ``holdings[index]`` when every position shares the wallet in cross
    mode (others valued at their marks). NaN where the venue has no cross formula."""
    if not 0 <= index < len(holdings):
        raise ValueError(f"index={index} is out of range; allowed: 0 <= index < {len(holdings)}")
    h = holdings[index]
    if "cross" not in h.venue.rules.margin_modes:
        return float("nan")
    others = [o for i, o in enumerate(holdings) if i != index]
    acct = Account(
        wallet_balance,
        other_maintenance=sum(o.maintenance for o in others),
        other_upnl=sum(o.upnl for o in others),
    )
    return float(liquidation_price(replace(h.position, margin_mode="cross"), h.venue, acct))


def account_state(wallet_balance: float, holdings: list[Holding]) -> AccountState:
    """Margin in use, margin ratio and per-position liquidation prices (cross and isolated)."""
    wb = _check_wallet(wallet_balance, holdings)
    balance = wb + sum(h.upnl for h in holdings)
    im = sum(h.initial_margin for h in holdings)
    mm = sum(h.maintenance for h in holdings)
    cross = tuple(cross_liquidation_price(wb, holdings, i) for i in range(len(holdings)))
    iso = tuple(
        float(liquidation_price(replace(h.position, margin_mode="isolated"), h.venue))
        for h in holdings
    )
    return AccountState(
        wallet_balance=wb,
        margin_balance=balance,
        initial_margin=im,
        maintenance_margin=mm,
        utilization=im / balance if balance > 0 else float("inf"),
        margin_ratio=mm / balance if balance > 0 else float("inf"),
        cross_liquidation_prices=cross,
        isolated_liquidation_prices=iso,
    )


@dataclass(frozen=True)
class CollapseOutcome:
    """What each margin mode loses when one position's price moves ``collapse_frac`` against it."""

    shock_price: float
    isolated_loss: float  # at most that position's margin
    isolated_liquidated: bool
    cross_loss: float  # the whole margin balance if the account is liquidated
    cross_liquidated: bool


def collapse_comparison(
    wallet_balance: float, holdings: list[Holding], index: int, collapse_frac: float
) -> CollapseOutcome:
    """Move ``holdings[index]``'s mark by ``collapse_frac`` against it (others unchanged).

    Isolated: the position loses its PnL, capped at its margin (liquidation). Cross: if the
    account's margin balance falls to its maintenance margin the whole account is liquidated and
    loses its margin balance at the marks before the shock; else it loses the position's PnL.
    """
    wb = _check_wallet(wallet_balance, holdings)
    if not 0 <= index < len(holdings):
        raise ValueError(f"index={index} is out of range; allowed: 0 <= index < {len(holdings)}")
    cf = float(check_range("collapse_frac", collapse_frac, 0.0, 1.0, lo_open=True, hi_open=True))
    h = holdings[index]
    shock = h.mark_price * (1.0 - h.position.sign * cf)  # > 0 because 0 < cf < 1
    pnl_drop = h.upnl - float(h.position.pnl(shock))  # loss caused by the shock
    iso_margin = float(h.position.isolated_margin) + h.upnl
    iso_lp = float(liquidation_price(replace(h.position, margin_mode="isolated"), h.venue))
    iso_liq = not np.isnan(iso_lp) and (shock - iso_lp) * h.position.sign <= 0
    isolated_loss = iso_margin if iso_liq else min(pnl_drop, iso_margin)
    shocked = [replace(o, mark_price=shock) if i == index else o for i, o in enumerate(holdings)]
    balance_before = wb + sum(o.upnl for o in holdings)
    balance_after = wb + sum(o.upnl for o in shocked)
    mm_after = sum(o.maintenance for o in shocked)
    cross_liq = balance_after <= mm_after
    return CollapseOutcome(
        shock_price=shock,
        isolated_loss=isolated_loss,
        isolated_liquidated=bool(iso_liq),
        cross_loss=balance_before if cross_liq else pnl_drop,
        cross_liquidated=bool(cross_liq),
    )
