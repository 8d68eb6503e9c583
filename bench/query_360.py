"""Time the 360 query and count its SQL statements for growing numbers of customers and items.

    PYTHONPATH=. python bench/query_360.py [DATABASE_URL]   (default: a temporary SQLite file)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

from hub.db import create_db_engine
from hub.db.migrate import upgrade
from tests.api import factory
from tests.api.conftest import Api
from tests.api.test_view import VIEW


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    upgrade(url)
    engine = create_db_engine(url)
    api = Api(url)
    print(f"{'customers':>9} {'items':>5} {'statements':>10} {'ms':>8}")
    for customers, items in ((1, 5), (10, 5), (20, 5), (1, 50), (20, 20)):
        with Session(engine, expire_on_commit=False) as session, session.begin():
            ids = []
            for _ in range(customers):
                golden = factory.customer(session, "客户", kind="organization")
                factory.full_360(session, golden, items)
                ids.append(golden.id)
        fields = " ".join(f'c{i}: customer(id: "{golden_id}") {{ ...View }}' for i, golden_id in enumerate(ids))
        started = time.perf_counter()
        api.data(VIEW % fields)
        elapsed = (time.perf_counter() - started) * 1000
        print(f"{customers:>9} {items:>5} {api.statements:>10} {elapsed:>8.1f}")
    engine.dispose()


if __name__ == "__main__":
    main()
