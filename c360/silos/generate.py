"""``build``: turn the seeded population into the silos' stores, streaming record by record.

One pass over the population; each party's records in every silo are written as soon as the party
exists, and the ground truth line for each record is written next to it.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import catalog as cat
from .clock import NOW_TS, compact_stamp, iso, iso_date
from .idnumbers import PLACEHOLDER_IDS, ric_to_legacy15
from .manifest import FORMAT_VERSION, SiloManifest
from .noise import (
    BUSINESS_HALL_PHONES,
    NoiseRates,
    format_mobile,
    homophone,
    honorific,
    to_traditional,
    vary_name,
)
from .population import Organization, Person, Population
from .writers import (
    BILLING_INDEXES,
    BILLING_SCHEMA,
    DOC_TABLES,
    BatchInsert,
    DocTable,
    RollingCsv,
    RollingJsonl,
    TruthWriter,
    create_doc_tables,
    index_doc_tables,
    open_sqlite,
)

__all__ = ["build", "Progress", "SR_HEADER", "SR_STATUS_HEADER", "CALL_HEADER", "OWNED_PATHS"]

Progress = Callable[[int, int], None]

SR_HEADER = ("sr_id", "customer_id", "caller_name", "caller_phone", "type", "channel", "status", "opened_at",
             "closed_at", "summary", "updated_at")
SR_STATUS_HEADER = ("sr_id", "status", "changed_at", "agent_id", "note")
CALL_HEADER = ("call_id", "caller_phone", "caller_name", "agent_id", "direction", "started_at", "duration_s",
               "summary", "sr_id")
#: Everything ``build`` creates; removed before a rebuild.
OWNED_PATHS = ("boss.db", "keyaccount.db", "billing.db", "callcenter", "bi", "truth", "manifest.json",
               "live_state.json")

_DAY = 86400
_SR_FLOW = ("opened", "in_progress", "resolved", "closed")
_STATUS_NOTES = {"opened": "工单已创建", "in_progress": "处理中", "resolved": "问题已解决", "closed": "客户确认关闭"}


@dataclass(slots=True)
class _Window:
    """A phone number held by a party from ``start`` to ``end`` (recycled numbers have short windows)."""

    msisdn: str
    start: int
    end: int


class _Generator:
    def __init__(self, data_dir: Path, size: int, seed: int, rates: NoiseRates, progress: Progress | None) -> None:
        self.dir = data_dir
        self.size = size
        self.seed = seed
        self.rates = rates
        self.progress = progress
        self.pop = Population(seed, size, rates)
        self.rng = random.Random(f"facts:{seed}")
        self.counters: dict[str, int] = {}
        self.pending_recycle: tuple[str, int] | None = None
        self.stamp = compact_stamp(NOW_TS)

        self.boss = open_sqlite(data_dir / "boss.db", bulk=True)
        self.ka = open_sqlite(data_dir / "keyaccount.db", bulk=True)
        self.billing = open_sqlite(data_dir / "billing.db", bulk=True)
        create_doc_tables(self.boss, DOC_TABLES["boss"])
        create_doc_tables(self.ka, DOC_TABLES["keyaccount"])
        self.billing.executescript(BILLING_SCHEMA)
        self.customers = DocTable(self.boss, "customers", "customer_id")
        self.accounts = DocTable(self.boss, "accounts", "account_id")
        self.subscriptions = DocTable(self.boss, "subscriptions", "subscription_id")
        self.orders = DocTable(self.boss, "orders", "order_id")
        self.enterprises = DocTable(self.ka, "enterprises", "enterprise_id")
        self.contacts = DocTable(self.ka, "contacts", "contact_id")
        self.managers = DocTable(self.ka, "account_managers", "manager_id")
        self.contracts = DocTable(self.ka, "contracts", "contract_id")
        self.bills = BatchInsert(self.billing, "INSERT INTO bills VALUES (?,?,?,?,?,?,?,?,?)")
        self.payments = BatchInsert(self.billing, "INSERT INTO payments VALUES (?,?,?,?,?,?,?)")
        self.balances = BatchInsert(self.billing, "INSERT INTO balances VALUES (?,?,?,?,?)")
        cc = data_dir / "callcenter"
        bi = data_dir / "bi"
        truth = data_dir / "truth"
        for d in (cc, bi, truth):
            d.mkdir()
        self.srs = RollingCsv(cc, "service_requests", self.stamp, SR_HEADER)
        self.sr_status = RollingCsv(cc, "sr_status", self.stamp, SR_STATUS_HEADER)
        self.calls = RollingCsv(cc, "calls", self.stamp, CALL_HEADER)
        self.analysis = RollingJsonl(bi, "analysis", iso_date(NOW_TS - _DAY).replace("-", ""))
        self.truth = TruthWriter(truth / "records.csv")
        self.index = open_sqlite(truth / "index.db", bulk=True)
        self.index.executescript(
            "CREATE TABLE customers (n INTEGER PRIMARY KEY, customer_id TEXT, entity_id TEXT, account_id TEXT,"
            " account_type TEXT, caller_name TEXT, phone TEXT);"
            "CREATE TABLE open_srs (sr_id TEXT PRIMARY KEY, entity_id TEXT, status TEXT, last_ts INTEGER);"
        )
        self.index_customers = BatchInsert(self.index, "INSERT INTO customers VALUES (NULL,?,?,?,?,?,?)")
        self.index_srs = BatchInsert(self.index, "INSERT INTO open_srs VALUES (?,?,?,?)")

    # -- helpers ---------------------------------------------------------------------------------
    def next_id(self, prefix: str, width: int = 9) -> str:
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        return f"{prefix}{n:0{width}d}"

    def between(self, start: int, end: int) -> int:
        """Uniform timestamp in [start, end] (start if the range is empty)."""
        return start if end <= start else self.rng.randint(start, end)

    def updated(self, created: int) -> int:
        """Last-modified time: often soon after creation, sometimes recently touched."""
        r = self.rng.random()
        if r < 0.5:
            return min(NOW_TS, created + self.rng.randrange(3 * _DAY))
        return self.between(created, NOW_TS - 60)

    def deleted(self, rate: float) -> bool:
        return self.rng.random() < rate

    # -- BOSS ------------------------------------------------------------------------------------
    def _id_fields(self, p: Person, duplicate: bool) -> tuple[str | None, str | None]:
        rng, rates = self.rng, self.rates
        r = rng.random()
        legacy = rates.legacy_id15 * (4 if duplicate else 1)
        if r < rates.placeholder_id:
            return "RIC", rng.choice(PLACEHOLDER_IDS)
        r -= rates.placeholder_id
        if r < rates.missing_id:
            return None, None
        r -= rates.missing_id
        if r < legacy and p.birth_date < "1990":
            return "RIC15", ric_to_legacy15(p.ric)
        r -= legacy
        if r < 0.005:
            return "PASSPORT", f"E{rng.randrange(10**8):08d}"
        ric = p.ric
        if ric.endswith("X") and rng.random() < rates.lowercase_x:
            ric = ric[:-1] + "x"
        return "RIC", ric

    def person_customer(self, p: Person, phones: list[str], created: int, duplicate: bool) -> dict[str, Any]:
        rng, rates = self.rng, self.rates
        cid = self.next_id("C")
        name = p.name
        if duplicate and rng.random() < 0.6:
            name = homophone(name, rng) if rng.random() < 0.6 else to_traditional(name)
        else:
            name = vary_name(name, rng, rates)
        id_type, id_number = self._id_fields(p, duplicate)
        shown = [format_mobile(m, rng, rates.phone_format * (3 if duplicate else 1)) for m in phones]
        if p.fixed_line and rng.random() < 0.7:
            shown.append(p.fixed_line)
        if rng.random() < rates.business_hall_phone:
            shown = [rng.choice(BUSINESS_HALL_PHONES)]
        email = p.email if rng.random() >= rates.missing_email else None
        upd = self.updated(created)
        doc = {
            "customer_id": cid,
            "customer_type": "individual",
            "name": name,
            "id_type": id_type,
            "id_number": id_number,
            "gender": p.gender if rng.random() > 0.01 else None,
            "birth_date": p.birth_date if rng.random() >= rates.missing_birth_date else None,
            "phones": shown,
            "email": email,
            "address": p.address if rng.random() > 0.02 else None,
            "status": "active",
            "created_at": iso(created),
            "updated_at": iso(upd),
            "deleted": self.deleted(0.2 if duplicate else rates.deleted / 2),
        }
        self.customers.put(doc)
        self.truth.add("boss", "customer", cid, p.pid)
        return doc

    def account(self, cid: str, entity: str, created: int, kind: str) -> str:
        aid = self.next_id("A")
        self.accounts.put({
            "account_id": aid,
            "customer_id": cid,
            "account_type": kind,
            "status": "active",
            "opened_at": iso(created),
            "updated_at": iso(self.updated(created)),
            "deleted": False,
        })
        self.truth.add("boss", "account", aid, entity)
        return aid

    def subscription(self, aid: str, cid: str, entity: str, msisdn: str, plan: tuple[str, str, int],
                     start: int, end: int | None, status: str = "active") -> None:
        sid = self.next_id("S")
        if end is None and status == "active" and self.rng.random() < 0.03:
            status = "suspended"
        self.subscriptions.put({
            "subscription_id": sid,
            "account_id": aid,
            "customer_id": cid,
            "msisdn": msisdn,
            "plan_code": plan[0],
            "plan_name": plan[1],
            "status": status,
            "activated_at": iso(start),
            "deactivated_at": iso(end) if end is not None else None,
            "updated_at": iso(end if end is not None else self.updated(start)),
            "deleted": self.deleted(self.rates.deleted / 2),
        })
        self.truth.add("boss", "subscription", sid, entity)

    def orders_for(self, cid: str, entity: str, since: int, n: int) -> None:
        rng = self.rng
        for _ in range(n):
            oid = self.next_id("ORD", 10)
            created = self.between(max(since, NOW_TS - 3 * 365 * _DAY), NOW_TS - 3600)
            amount: str = f"{rng.choice((0, 30, 50, 100, 199, 299, 1999, 4999))}.{rng.choice(('00', '50', '90'))}"
            if rng.random() < self.rates.malformed:
                amount = rng.choice(("N/A", "12,50", "一百元", ""))
            status = "completed" if created < NOW_TS - 7 * _DAY else rng.choice(("pending", "completed"))
            if rng.random() < 0.05:
                status = "cancelled"
            self.orders.put({
                "order_id": oid,
                "customer_id": cid,
                "order_type": rng.choice(cat.ORDER_TYPES),
                "status": status,
                "channel": rng.choice(cat.ORDER_CHANNELS),
                "amount": amount,
                "created_at": iso(created),
                "updated_at": iso(self.updated(created)),
                "deleted": self.deleted(self.rates.deleted),
            })
            self.truth.add("boss", "order", oid, entity)

    # -- billing ---------------------------------------------------------------------------------
    def billing_for(self, aid: str, cid: str, entity: str, kind: str, opened: int, fee: int) -> None:
        rng = self.rng
        arrears = 0
        last = opened
        if kind == "postpaid":
            for period, start, end, due in cat.PERIODS:
                if end <= opened:
                    continue
                bid = self.next_id("BL", 10)
                amount = max(0, fee + rng.randint(-fee // 5, fee // 2))
                issued = end + rng.randrange(3 * _DAY) if end < NOW_TS else start + 12 * 3600
                if end > NOW_TS:
                    status, paid = "open", 0
                elif rng.random() < 0.92:
                    status, paid = "paid", amount
                else:
                    status, paid = "overdue", 0
                    arrears += amount
                upd = issued
                if status == "paid":
                    pid = self.next_id("PY", 10)
                    paid_at = min(NOW_TS - 60, issued + rng.randrange(1, 18 * _DAY))
                    self.payments.add((pid, aid, bid, amount, iso(paid_at), rng.choice(cat.PAY_METHODS), iso(paid_at)))
                    self.truth.add("billing", "payment", pid, entity)
                    upd = paid_at
                account = aid if rng.random() >= self.rates.malformed / 2 else ""
                self.bills.add((bid, account, cid, period, amount, due, status, paid, iso(upd)))
                self.truth.add("billing", "bill", bid, entity)
                last = max(last, upd)
            balance = -arrears
        else:
            balance = rng.randrange(0, 20000)
            for _ in range(rng.randint(0, 2)):
                pid = self.next_id("PY", 10)
                paid_at = self.between(max(opened, NOW_TS - 180 * _DAY), NOW_TS - 60)
                self.payments.add((pid, aid, None, rng.choice((3000, 5000, 10000)), iso(paid_at),
                                   rng.choice(cat.PAY_METHODS), iso(paid_at)))
                self.truth.add("billing", "payment", pid, entity)
                last = max(last, paid_at)
        self.balances.add((aid, cid, balance, arrears, iso(last)))
        self.truth.add("billing", "balance", aid, entity)

    # -- call center -----------------------------------------------------------------------------
    def _caller(self, p: Person, customer_id: str) -> tuple[str, str]:
        if self.rng.random() < self.rates.honorific_caller:
            return "", honorific(p.surname, p.gender)
        return customer_id, vary_name(p.name, self.rng, self.rates)

    def call(self, p: Person, w: _Window, ts: int, caller_name: str, sr_id: str, agent: str) -> None:
        rng = self.rng
        cid = self.next_id("CL", 10)
        self.calls.write((cid, format_mobile(w.msisdn, rng, self.rates.phone_format), caller_name, agent,
                          "inbound" if rng.random() < 0.85 else "outbound", iso(ts), rng.randint(15, 1800),
                          rng.choice(cat.CALL_SUMMARIES), sr_id))
        self.truth.add("callcenter", "call", cid, p.pid)

    def service_request(self, p: Person, w: _Window, customer_id: str) -> None:
        rng = self.rng
        lo, hi = max(w.start, NOW_TS - 2 * 365 * _DAY), min(w.end, NOW_TS - 3600)
        if hi <= lo:
            return
        opened = rng.randint(lo, hi)
        sr_id = self.next_id("SR", 10)
        cust, caller_name = self._caller(p, customer_id)
        kind = rng.choice(cat.SR_TYPES)
        agent = f"AG{rng.randrange(1, 400):04d}"
        steps = 4 if opened < NOW_TS - 10 * _DAY else rng.randint(1, 3)
        ts = opened
        for i in range(steps):
            if i:
                nxt = min(NOW_TS - 1, ts + rng.randint(600, 2 * _DAY))
                if nxt <= ts:
                    break
                ts = nxt
            status = _SR_FLOW[i]
            self.sr_status.write((sr_id, status, iso(ts), agent, _STATUS_NOTES[status]))
            self.truth.add("callcenter", "sr_status", f"{sr_id}@{iso(ts)}", p.pid)
        final = status
        opened_at = iso(opened) if rng.random() >= self.rates.malformed else "N/A"
        self.srs.write((sr_id, cust, caller_name, format_mobile(w.msisdn, rng, self.rates.phone_format), kind,
                        rng.choice(cat.SR_CHANNELS), final, opened_at, iso(ts) if final == "closed" else "",
                        rng.choice(cat.SR_SUMMARIES[kind]), iso(ts)))
        self.truth.add("callcenter", "service_request", sr_id, p.pid)
        if final != "closed":
            self.index_srs.add((sr_id, p.pid, final, ts))
        self.call(p, w, opened, caller_name, sr_id, agent)
        if rng.random() < 0.3:
            self.call(p, w, min(NOW_TS - 1, opened + rng.randint(3600, 3 * _DAY)), caller_name, sr_id, agent)

    def callcenter_for(self, p: Person, windows: list[_Window], customer_id: str) -> None:
        rng = self.rng
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 2)):
                self.service_request(p, rng.choice(windows), customer_id)
        for w in windows:
            # Recycled numbers always call once inside their holder's window; others now and then.
            if w.end < NOW_TS or w.start > p.since_ts or rng.random() < 0.08:
                lo, hi = max(w.start, NOW_TS - 2 * 365 * _DAY), min(w.end, NOW_TS) - 60
                if hi > lo:
                    _, name = self._caller(p, customer_id)
                    self.call(p, w, rng.randint(lo, hi), name, "", f"AG{rng.randrange(1, 400):04d}")

    # -- BI --------------------------------------------------------------------------------------
    def analysis_for(self, subject_type: str, subject_id: str, entity: str, source_kind: str = "analysis") -> None:
        rng = self.rng
        as_of = iso_date(NOW_TS - _DAY)
        churn: Any = round(rng.random() ** 2, 3)
        if rng.random() < self.rates.malformed:
            churn = "high"
        self.analysis.write({
            "subject_type": subject_type,
            "subject_id": subject_id,
            "segment": rng.choice(cat.SEGMENTS if subject_type == "customer" else cat.ENTERPRISE_SEGMENTS),
            "value_tier": rng.choice(cat.TIERS),
            "churn_score": churn,
            "credit_score": rng.randint(300, 850),
            "as_of": as_of,
            "updated_at": iso(NOW_TS - _DAY + rng.randrange(6 * 3600)),
        })
        self.truth.add("bi", source_kind, f"{subject_type}:{subject_id}@{as_of}", entity)

    # -- per party -------------------------------------------------------------------------------
    def emit_person(self, p: Person) -> None:
        rng, rates = self.rng, self.rates
        windows = [_Window(m, p.since_ts, NOW_TS) for m in p.mobiles]
        released: _Window | None = None
        if self.pending_recycle is not None:
            msisdn, freed = self.pending_recycle
            self.pending_recycle = None
            start = freed + rng.randint(30, 150) * _DAY
            windows.append(_Window(msisdn, start, NOW_TS))
        if rng.random() < rates.recycled_phone and p.since_ts < NOW_TS - 500 * _DAY and self.pending_recycle is None:
            freed = rng.randint(p.since_ts + 200 * _DAY, NOW_TS - 200 * _DAY)
            released = _Window(self.pop.mobile(), p.since_ts, freed)
            self.pending_recycle = (released.msisdn, freed)

        current = [w.msisdn for w in windows]
        doc = self.person_customer(p, current, p.since_ts, duplicate=False)
        cid = doc["customer_id"]
        plan = rng.choice(cat.PLANS)
        kind = "postpaid" if rng.random() < 0.6 else "prepaid"
        aid = self.account(cid, p.pid, p.since_ts, kind)
        self.billing_for(aid, cid, p.pid, kind, p.since_ts, plan[2])
        own = windows
        dup_windows: list[_Window] = []
        if rng.random() < rates.boss_duplicate:
            # Registered again at another hall for a second line: a second customer id.
            if len(windows) > 1:
                own, dup_windows = windows[:-1], windows[-1:]
            else:
                extra = _Window(self.pop.mobile(), self.between(p.since_ts, NOW_TS - 30 * _DAY), NOW_TS)
                dup_windows = [extra]
                windows.append(extra)
        for w in own:
            self.subscription(aid, cid, p.pid, w.msisdn, plan, w.start, None)
        if released is not None:
            self.subscription(aid, cid, p.pid, released.msisdn, plan, released.start, released.end, "terminated")
            windows.append(released)
        self.orders_for(cid, p.pid, p.since_ts, rng.randint(0, 3))
        self.analysis_for("customer", cid, p.pid)
        self.index_customers.add((cid, p.pid, aid, kind, p.name, p.mobiles[0]))
        if dup_windows:
            created = dup_windows[0].start
            ddoc = self.person_customer(p, [w.msisdn for w in dup_windows], created, duplicate=True)
            dcid = ddoc["customer_id"]
            daid = self.account(dcid, p.pid, created, "prepaid")
            self.billing_for(daid, dcid, p.pid, "prepaid", created, plan[2])
            for w in dup_windows:
                self.subscription(daid, dcid, p.pid, w.msisdn, rng.choice(cat.PLANS), w.start, None)
            self.orders_for(dcid, p.pid, created, 1)
            self.analysis_for("customer", dcid, p.pid)
        self.callcenter_for(p, windows, cid)

    def emit_org(self, o: Organization) -> None:
        rng, rates = self.rng, self.rates
        cid = self.next_id("C")
        contact_phone = o.contacts[0][0].mobiles[0]
        self.customers.put({
            "customer_id": cid,
            "customer_type": "enterprise",
            "name": o.name if rng.random() >= rates.traditional else to_traditional(o.name),
            "id_type": "USCC",
            "id_number": o.credit_code,
            "gender": None,
            "birth_date": None,
            "phones": [format_mobile(contact_phone, rng, rates.phone_format)],
            "email": None,
            "address": o.address,
            "status": "active",
            "created_at": iso(o.since_ts),
            "updated_at": iso(self.updated(o.since_ts)),
            "deleted": False,
        })
        self.truth.add("boss", "customer", cid, o.oid)
        accounts = [self.account(cid, o.oid, o.since_ts, "postpaid") for _ in range(rng.randint(1, 2))]
        for aid in accounts:
            plan = rng.choice(cat.ENTERPRISE_PLANS)
            for _ in range(rng.randint(1, 3)):
                self.subscription(aid, cid, o.oid, self.pop.mobile(), plan, self.between(o.since_ts, NOW_TS - _DAY), None)
            self.billing_for(aid, cid, o.oid, "postpaid", o.since_ts, plan[2] * 2)
        self.orders_for(cid, o.oid, o.since_ts, rng.randint(0, 3))
        self.analysis_for("customer", cid, o.oid)
        self.index_customers.add((cid, o.oid, accounts[0], "postpaid", o.contacts[0][0].name, contact_phone))

        eid = self.next_id("E", 7)
        self.enterprises.put({
            "enterprise_id": eid,
            "name": o.name,
            "credit_code": o.credit_code if rng.random() > rates.missing_id else None,
            "industry": o.industry,
            "address": o.address,
            "manager_id": o.manager.manager_id,
            "status": "active",
            "updated_at": iso(self.updated(o.since_ts)),
            "deleted": self.deleted(rates.deleted / 3),
        })
        self.truth.add("keyaccount", "enterprise", eid, o.oid)
        for person, title in o.contacts:
            kid = self.next_id("CT", 8)
            self.contacts.put({
                "contact_id": kid,
                "enterprise_id": eid,
                "name": vary_name(person.name, rng, rates),
                "phone": format_mobile(person.mobiles[0], rng, rates.phone_format * 2),
                "email": person.email,
                "title": title,
                "id_number": person.ric if rng.random() < 0.2 else None,
                "updated_at": iso(self.updated(o.since_ts)),
                "deleted": self.deleted(rates.deleted),
            })
            self.truth.add("keyaccount", "contact", kid, person.pid)
        for _ in range(rng.randint(1, 3)):
            kid = self.next_id("HT", 8)
            start = self.between(o.since_ts, NOW_TS - 30 * _DAY)
            end = start + rng.choice((1, 2, 3)) * 365 * _DAY
            self.contracts.put({
                "contract_id": kid,
                "enterprise_id": eid,
                "title": f"{iso_date(start)[:4]}{rng.choice(cat.CONTRACT_TITLES)}",
                "value": f"{rng.randrange(20, 5000) * 1000}.00",
                "start_date": iso_date(start),
                "end_date": iso_date(end),
                "status": "active" if end > NOW_TS else "expired",
                "updated_at": iso(self.updated(start)),
                "deleted": self.deleted(rates.deleted),
            })
            self.truth.add("keyaccount", "contract", kid, o.oid)
        self.analysis_for("enterprise", eid, o.oid)

    def emit_managers(self) -> None:
        for m in self.pop.managers:
            self.managers.put({
                "manager_id": m.manager_id,
                "name": m.name,
                "phone": m.phone,
                "email": m.email,
                "region": m.region,
                "updated_at": iso(NOW_TS - 400 * _DAY + int(m.manager_id[2:]) * 3600),
            })
            self.truth.add("keyaccount", "account_manager", m.manager_id, m.pid)

    # -- driver ----------------------------------------------------------------------------------
    def run(self) -> SiloManifest:
        self.emit_managers()
        persons = orgs = 0
        for i, party in enumerate(self.pop, 1):
            if isinstance(party, Organization):
                orgs += 1
                self.emit_org(party)
            else:
                persons += 1
                self.emit_person(party)
            if self.progress is not None and (i % 1000 == 0 or i == self.size):
                self.progress(i, self.size)
        return self.finish(persons, orgs)

    def finish(self, persons: int, orgs: int) -> SiloManifest:
        docs = (self.customers, self.accounts, self.subscriptions, self.orders, self.enterprises, self.contacts,
                self.managers, self.contracts)
        for w in (*docs, self.bills, self.payments, self.balances, self.index_customers, self.index_srs):
            w.flush()
        index_doc_tables(self.boss, DOC_TABLES["boss"])
        index_doc_tables(self.ka, DOC_TABLES["keyaccount"])
        self.billing.executescript(BILLING_INDEXES)
        for rolling in (self.srs, self.sr_status, self.calls, self.analysis):
            rolling.close()
        self.truth.close()
        for conn in (self.boss, self.ka, self.billing, self.index):
            conn.commit()
            conn.execute("PRAGMA journal_mode=WAL")
            conn.close()
        return SiloManifest(
            size=self.size,
            seed=self.seed,
            now=iso(NOW_TS),
            generated_at=iso(NOW_TS),
            format_version=FORMAT_VERSION,
            counts={
                "boss": {"customers": self.customers.count, "accounts": self.accounts.count,
                         "subscriptions": self.subscriptions.count, "orders": self.orders.count},
                "keyaccount": {"enterprises": self.enterprises.count, "contacts": self.contacts.count,
                               "account_managers": self.managers.count, "contracts": self.contracts.count},
                "billing": {"bills": self.bills.count, "payments": self.payments.count,
                            "balances": self.balances.count},
                "callcenter": {"service_requests": self.srs.count, "sr_status": self.sr_status.count,
                               "calls": self.calls.count},
                "bi": {"analysis": self.analysis.count},
            },
            entities={"persons": self.pop._pid, "organizations": orgs, "individual_customers": persons},
            files={"callcenter": sorted(self.srs.files + self.sr_status.files + self.calls.files),
                   "bi": list(self.analysis.files)},
        )


def build(data_dir: Path, size: int, seed: int = 42, progress: Progress | None = None,
          rates: NoiseRates | None = None) -> SiloManifest:
    """Generate all silos for ``size`` customers under ``data_dir``; reuse it if already built alike."""
    if size < 1:
        raise ValueError("size must be positive")
    data_dir = Path(data_dir)
    existing = SiloManifest.load(data_dir)
    if (existing is not None and existing.size == size and existing.seed == seed
            and existing.format_version == FORMAT_VERSION and rates is None):
        return existing
    data_dir.mkdir(parents=True, exist_ok=True)
    for name in OWNED_PATHS:
        path = data_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            (data_dir / (name + suffix)).unlink(missing_ok=True)
    manifest = _Generator(data_dir, size, seed, rates or NoiseRates(), progress).run()
    manifest.save(data_dir)
    return manifest
