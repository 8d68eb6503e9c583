"""Simulated time passing: each tick adds or changes records in every silo with newer timestamps.

Tick ``t`` happens at simulated ``now + t * 10 min`` and is deterministic per (seed, t), so the
demo's incremental syncs have something new to pick up and tests can predict it.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from . import catalog as cat
from .clock import NOW_TS, compact_stamp, iso, iso_date
from .generate import CALL_HEADER, SR_HEADER, SR_STATUS_HEADER
from .noise import format_mobile
from .writers import RollingCsv, RollingJsonl, TruthWriter, dumps, open_sqlite

__all__ = ["tick", "TickResult", "TICK_SECONDS"]

TICK_SECONDS = 600
_STATE = "live_state.json"
_NEXT_STATUS = {"opened": "in_progress", "in_progress": "resolved", "resolved": "closed"}
_NOTES = {"in_progress": "处理中", "resolved": "问题已解决", "closed": "客户确认关闭", "opened": "工单已创建"}


@dataclass
class TickResult:
    """What one tick changed, by silo and kind."""

    tick: int
    now: str
    counts: dict[str, int] = field(default_factory=dict)

    def bump(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1


def tick(data_dir: Path, seed: int, n: int) -> TickResult:
    """Apply the next tick: ``n`` changes spread round-robin over orders, customer updates,
    balance/payments, service requests (new + status changes, with calls) and BI analyses."""
    data_dir = Path(data_dir)
    state_path = data_dir / _STATE
    state = json.loads(state_path.read_text()) if state_path.exists() else {"ticks": 0}
    t = state["ticks"] + 1
    rng = random.Random(f"tick:{seed}:{t}")
    base_ts = NOW_TS + t * TICK_SECONDS
    result = TickResult(tick=t, now=iso(base_ts))
    stamp = compact_stamp(base_ts)
    day = iso_date(base_ts).replace("-", "")
    cc = data_dir / "callcenter"
    bi_n = len(list((data_dir / "bi").glob(f"analysis_{day}_*.jsonl"))) + 1
    srs = RollingCsv(cc, "service_requests", stamp, SR_HEADER)
    statuses = RollingCsv(cc, "sr_status", stamp, SR_STATUS_HEADER)
    calls = RollingCsv(cc, "calls", stamp, CALL_HEADER)
    analysis = RollingJsonl(data_dir / "bi", "analysis", day, max_rows=10**9, first=bi_n)
    truth = TruthWriter(data_dir / "truth" / f"tick_{t:06d}.csv")
    index = open_sqlite(data_dir / "truth" / "index.db")
    boss = open_sqlite(data_dir / "boss.db")
    billing = open_sqlite(data_dir / "billing.db")
    try:
        (count,) = index.execute("SELECT max(n) FROM customers").fetchone()
        for i in range(n):
            ts = base_ts + i
            cid, entity, aid, _atype, name, phone = index.execute(
                "SELECT customer_id, entity_id, account_id, account_type, caller_name, phone FROM customers WHERE n=?",
                (rng.randint(1, count),),
            ).fetchone()
            kind = i % 5
            if kind == 0:
                oid = f"ORDT{t:05d}{i:05d}"
                doc = {"order_id": oid, "customer_id": cid, "order_type": rng.choice(cat.ORDER_TYPES),
                       "status": "pending", "channel": rng.choice(cat.ORDER_CHANNELS),
                       "amount": f"{rng.choice((30, 50, 100, 299))}.00", "created_at": iso(ts),
                       "updated_at": iso(ts), "deleted": False}
                boss.execute("INSERT INTO orders VALUES (?,?,?)", (oid, doc["updated_at"], dumps(doc)))
                truth.add("boss", "order", oid, entity)
                result.bump("boss.orders")
            elif kind == 1:
                row = boss.execute("SELECT doc FROM customers WHERE id=?", (cid,)).fetchone()
                doc = json.loads(row[0])
                doc["status"] = rng.choice(("active", "active", "suspended"))
                doc["updated_at"] = iso(ts)
                boss.execute("UPDATE customers SET updated_at=?, doc=? WHERE id=?", (doc["updated_at"], dumps(doc), cid))
                result.bump("boss.customers")
            elif kind == 2:
                pid = f"PYT{t:05d}{i:05d}"
                amount = rng.choice((2000, 5000, 10000))
                billing.execute("INSERT INTO payments VALUES (?,?,?,?,?,?,?)",
                                (pid, aid, None, amount, iso(ts), rng.choice(cat.PAY_METHODS), iso(ts)))
                billing.execute("UPDATE balances SET balance_cents = balance_cents + ?, updated_at = ? WHERE account_id = ?",
                                (amount, iso(ts), aid))
                truth.add("billing", "payment", pid, entity)
                result.bump("billing.payments")
                result.bump("billing.balances")
            elif kind == 3:
                open_sr = index.execute("SELECT sr_id, entity_id, status FROM open_srs ORDER BY sr_id LIMIT 1 OFFSET ?",
                                        (rng.randrange(50),)).fetchone()
                agent = f"AG{rng.randrange(1, 400):04d}"
                if open_sr is not None:
                    sr_id, sr_entity, status = open_sr
                    new = _NEXT_STATUS.get(status, "closed")
                    statuses.write((sr_id, new, iso(ts), agent, _NOTES[new]))
                    truth.add("callcenter", "sr_status", f"{sr_id}@{iso(ts)}", sr_entity)
                    if new == "closed":
                        index.execute("DELETE FROM open_srs WHERE sr_id=?", (sr_id,))
                    else:
                        index.execute("UPDATE open_srs SET status=?, last_ts=? WHERE sr_id=?", (new, ts, sr_id))
                    result.bump("callcenter.sr_status")
                sr_id = f"SRT{t:05d}{i:05d}"
                sr_type = rng.choice(cat.SR_TYPES)
                shown = format_mobile(phone, rng, 0.2)
                srs.write((sr_id, cid, name, shown, sr_type, "hotline", "opened", iso(ts), "",
                           rng.choice(cat.SR_SUMMARIES[sr_type]), iso(ts)))
                statuses.write((sr_id, "opened", iso(ts), agent, _NOTES["opened"]))
                call_id = f"CLT{t:05d}{i:05d}"
                calls.write((call_id, shown, name, agent, "inbound", iso(ts), rng.randint(30, 900),
                             rng.choice(cat.CALL_SUMMARIES), sr_id))
                index.execute("INSERT INTO open_srs VALUES (?,?,?,?)", (sr_id, entity, "opened", ts))
                for k, key in (("service_request", sr_id), ("sr_status", f"{sr_id}@{iso(ts)}"), ("call", call_id)):
                    truth.add("callcenter", k, key, entity)
                    result.bump(f"callcenter.{k}")
            else:
                subject_type = "customer"
                analysis.write({"subject_type": subject_type, "subject_id": cid, "segment": rng.choice(cat.SEGMENTS),
                                "value_tier": rng.choice(cat.TIERS), "churn_score": round(rng.random(), 3),
                                "credit_score": rng.randint(300, 850), "as_of": iso_date(ts), "updated_at": iso(ts)})
                truth.add("bi", "analysis", f"{subject_type}:{cid}@{iso_date(ts)}", entity)
                result.bump("bi.analysis")
        for conn in (boss, billing, index):
            conn.commit()
    finally:
        for conn in (boss, billing, index):
            conn.close()
        for rolling in (srs, statuses, calls, analysis):
            rolling.close()
        truth.close()
    tmp = state_path.with_suffix(".part")
    tmp.write_text(json.dumps({"ticks": t, "seed": seed}))
    tmp.replace(state_path)
    return result
