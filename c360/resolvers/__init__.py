"""Data access for the GraphQL schema: all SQL the API runs lives here."""
