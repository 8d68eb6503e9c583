"""c360: a customer-360 integration hub for telecom operators.

The rooms, from the ground up (each imports only from rooms below it; `.importlinter` enforces it):

- ``config``, ``records``, ``errors``: settings, canonical records, the error tree;
- ``connectors``: the connector SDK and the built-in connectors;
- ``hub``: the database, ingest, identity resolution, the event log, privacy and API keys;
- ``sync``: which stream runs when, one page per transaction;
- ``resolvers``: the reads (and the calls into the hub's writers) behind the GraphQL API;
- ``schema``: the GraphQL types;
- ``app``: the composition root (CLI, app factory, server, demo), the only room that knows every other.

``silos`` simulates an operator's silos for the demo, the tests and the benchmarks.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
