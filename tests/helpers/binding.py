"""Clients of a hub's contact-event feed that authenticate as someone: the caller-binding tests' tools."""

from __future__ import annotations

from gql import Client
from gql.transport.websockets import WebsocketsTransport

__all__ = ["RECORD", "SUBSCRIBE", "client_as"]

SUBSCRIBE = "subscription($f: ContactEventFilter) { contactEvents(filter: $f) { customerId summary } }"
RECORD = """mutation($id: ID!, $s: String) { recordContact(input: {customer: {id: $id}, channel: APP, type: INQUIRY,
    occurredAt: "2024-05-01T09:30:00+00:00", summary: $s}) { event { seq } } }"""


def client_as(url: str, credential: str) -> Client:
    """A graphql-transport-ws client that authenticates with ``credential`` (an API key or a token)."""
    return Client(transport=WebsocketsTransport(url=url, init_payload={"authorization": f"Bearer {credential}"}))
