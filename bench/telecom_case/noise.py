"""The case's life-cycle and noise rates: one dataclass, each field a CLI option of ``generate``.

The defaults aim at what a provincial operator's exports look like, not at an
adversary: a record a human expert could link keeps enough to link it.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field, fields

__all__ = ["Noise", "add_noise_options", "noise_from_args"]


def _rate(default: float, help_: str) -> float:
    return field(default=default, metadata={"help": help_})


@dataclass(frozen=True)
class Noise:
    # population and life cycles
    org_share: float = _rate(0.04, "enterprises per person")
    fixed_line_share: float = _rate(0.30, "households with a fixed line")
    email_share: float = _rate(0.25, "people with an e-mail address")
    move_share: float = _rate(0.15, "households that moved house in the period")
    churn_share: float = _rate(0.08, "people whose last number was given up (left the operator)")
    port_out_share: float = _rate(0.03, "people who ported their last number out and keep using it")
    recycle_share: float = _rate(0.60, "given-up numbers issued again to another customer (after 3-12 months)")
    # BOSS
    second_account_share: float = _rate(0.12, "people with a second BOSS account")
    boss_name_typo: float = _rate(0.03, "BOSS names with a homophone typo")
    boss_traditional: float = _rate(0.01, "BOSS names in traditional characters")
    boss_id_transposed: float = _rate(0.01, "BOSS IDs with two adjacent digits swapped (check digit fails)")
    boss_id_missing: float = _rate(0.02, "BOSS person accounts without an ID (old prepaid accounts)")
    boss_field_missing: float = _rate(0.03, "each of address / birth date / gender left empty")
    boss_old_address: float = _rate(0.40, "accounts of movers still holding the old address")
    boss_home_line_contact: float = _rate(0.25, "household members listing the home fixed line as contact")
    boss_slash_dates: float = _rate(0.10, "birth dates written 1985/3/2")
    boss_compact_dates: float = _rate(0.10, "birth dates written 19850302")
    boss_timestamp_dates: float = _rate(0.20, "birth dates written 1985-03-02 00:00:00")
    # billing
    billing_postpaid: float = _rate(0.95, "postpaid accounts with a billing account")
    billing_prepaid: float = _rate(0.20, "prepaid accounts with a billing account")
    billing_name_typo: float = _rate(0.05, "printed names with a homophone typo")
    billing_traditional: float = _rate(0.03, "printed names in traditional characters")
    billing_relative_phone: float = _rate(0.08, "bills whose contact phone is a relative's (the payer)")
    billing_home_line: float = _rate(0.05, "bills whose contact phone is the household fixed line")
    billing_id_present: float = _rate(0.30, "bills carrying the ID number")
    billing_birth_present: float = _rate(0.10, "bills carrying the birth date")
    billing_full_address: float = _rate(0.30, "bill addresses with province and city (else district or street first)")
    # call center
    caller_share: float = _rate(0.65, "people who called the call center at least once")
    call_full_name: float = _rate(0.20, "callers recorded with their full name")
    call_familiar: float = _rate(0.05, "callers recorded as 老王 / 小王")
    call_no_name: float = _rate(0.05, "callers recorded without any name")
    call_home_line: float = _rate(0.10, "calls from the household fixed line (households with one)")
    call_placeholder: float = _rate(0.03, "calls recorded with a switchboard / placeholder number")
    call_id_present: float = _rate(0.08, "calls where the agent verified and kept the ID number")
    call_point_window: float = _rate(0.15, "calls whose number window is one instant (since == until)")
    call_day_window: float = _rate(0.60, "calls whose number window is the call's day (else call start to end)")
    # key account
    org_second_record: float = _rate(0.15, "enterprises with a second key-account record")
    org_name_variant: float = _rate(0.50, "enterprise records with a name variant (brackets, 有限责任, short name)")
    org_code_missing: float = _rate(0.20, "enterprise records without the credit code")
    org_in_boss: float = _rate(0.50, "enterprises that also have a BOSS customer account")
    contact_id_present: float = _rate(0.30, "contact persons with an ID number")
    contact_work_phone: float = _rate(0.15, "contact persons listed with a work mobile unknown to BOSS")
    contact_name_typo: float = _rate(0.03, "contact names with a homophone typo")


def add_noise_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("noise and life-cycle rates (shares, 0..1)")
    for f in fields(Noise):
        group.add_argument(f"--{f.name.replace('_', '-')}", type=float, default=f.default, help=f.metadata["help"])


def noise_from_args(args: argparse.Namespace) -> Noise:
    values = {f.name: getattr(args, f.name) for f in fields(Noise)}
    for name, value in values.items():
        if not 0.0 <= value <= 1.0:
            raise SystemExit(f"--{name.replace('_', '-')} must be a share between 0 and 1")
    return Noise(**values)
