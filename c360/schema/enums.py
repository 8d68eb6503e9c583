"""Enumerations channels send: channels, contact types, directions, request statuses, event types."""

from __future__ import annotations

import enum

import strawberry

__all__ = ["Channel", "ContactType", "Direction", "RequestStatus", "EventType"]


@strawberry.enum(description="Where the customer was in touch.")
class Channel(enum.Enum):
    BUSINESS_HALL = "business_hall"
    CALL_CENTER = "call_center"
    WEB = "web"
    APP = "app"
    SMS = "sms"
    ACCOUNT_MANAGER = "account_manager"


@strawberry.enum
class ContactType(enum.Enum):
    INQUIRY = "inquiry"
    COMPLAINT = "complaint"
    COMPLAINT_FOLLOW_UP = "complaint_follow_up"
    FAULT_REPORT = "fault_report"
    SALE = "sale"
    CARE_CALL = "care_call"
    BILLING = "billing"
    OTHER = "other"


@strawberry.enum
class Direction(enum.Enum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


@strawberry.enum(description="Statuses a channel can move a service request to.")
class RequestStatus(enum.Enum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    PENDING_CUSTOMER = "pending_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"


@strawberry.enum(description="Kinds of event in the contact-event log.")
class EventType(enum.Enum):
    CONTACT_RECORDED = "contact.recorded"
    SERVICE_REQUEST_UPDATED = "service_request.updated"
