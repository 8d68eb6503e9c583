"""The composition root: the CLI, the ASGI app factory, the server and the demo wire every room together here."""
