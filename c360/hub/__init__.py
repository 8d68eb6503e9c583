"""The hub's middle room: the database, ingest, identity resolution, the event log, privacy and API keys."""
