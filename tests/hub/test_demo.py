"""`c360 demo` end to end, as a newcomer runs it: silos up, first sync, scheduler, GraphQL answering."""

from __future__ import annotations

import signal
from pathlib import Path

from c360.app.cli.demo_cmd import SAMPLE_QUERY
from tests.demo_process import post_graphql, running_demo


def test_demo_serves_the_sample_query_on_synced_silos(work_dir: Path, database_url: str) -> None:
    with running_demo(work_dir, database_url) as demo:
        output = demo.output()
        assert "first sync" in output and "boss.customers" in output
        assert "scheduler" in output

        assert "self-service token" in output and "curl" in output
        answer = post_graphql(demo.port, demo.key, SAMPLE_QUERY)
        assert "errors" not in answer, answer
        data = answer["data"]
        assert isinstance(data, dict)
        assert data["hub"]["counts"]["goldenCustomers"] > 150
        assert data["hub"]["counts"]["sourceRecords"] > 1000
        hits = data["searchCustomers"]["edges"]
        assert hits, "the sample query finds customers named 张伟 in every seeded population"
        for edge in hits:
            for identifier in edge["node"]["customer"]["identifiers"]["edges"]:
                assert "*" in identifier["node"]["value"], "identifiers are masked by default"
    assert demo.returncode in (0, 1, -signal.SIGINT, 130)
    assert "Traceback" not in demo.output()
