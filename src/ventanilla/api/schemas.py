"""The shapes the API reads and writes (pydantic models through django-ninja)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

Level = Literal["high", "medium", "low"]


class CustomerRef(Schema):
    """A customer as a ticket names him."""

    id: int
    email: str
    name: str


class TicketOut(Schema):
    """A ticket: its facts, handling and service-level dates."""

    number: str
    subject: str
    status: str
    urgency: str
    impact: str
    priority: int
    language: str
    customer: CustomerRef
    team_id: int | None
    assignee_id: int | None
    tags: list[str]
    possible_spoof: bool
    received_at: datetime
    last_activity_at: datetime
    updated_at: datetime
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    merged_into: str | None
    follow_up_of: str | None


class TicketPage(Schema):
    """One page of tickets; ``next`` is the cursor of the following page (null: last page)."""

    items: list[TicketOut]
    next: str | None
    total: int | None = Field(None, description="Tickets matching the filters (total=true).")


class TicketCreateIn(Schema):
    """A new request from a customer, entering like the mail he could have sent."""

    customer_email: str = Field(..., min_length=3, max_length=320)
    customer_name: str = Field("", max_length=200)
    subject: str = Field(..., min_length=1, max_length=200)
    text: str = Field(..., min_length=1, max_length=20000)
    mailbox: str = Field("", max_length=320, description="Support address; empty: the default.")
    acknowledge: bool = Field(True, description="Send the customer the usual acknowledgement.")


class InboundOut(Schema):
    """A stored request that did not become a ticket (discarded, quarantined...)."""

    inbound_id: int
    state: str


class TicketUpdateIn(Schema):
    """Fields to change; absent fields stay, ``null`` clears team or assignee."""

    urgency: Level | None = None
    impact: Level | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    tags: list[str] | None = Field(None, max_length=50)


class TransitionIn(Schema):
    """A status change: resolving needs a note, reopening may say why."""

    to: Literal["open", "pending", "resolved", "closed"]
    note: str = Field("", max_length=10000)
    reason: str = Field("", max_length=500)


class MergeIn(Schema):
    """The ticket (by number) this one is merged into."""

    into: str = Field(..., min_length=1, max_length=32)


class AttachmentOut(Schema):
    """A file of an article (download it from its own URL)."""

    id: int
    filename: str
    content_type: str
    size: int
    inline: bool


class ArticleOut(Schema):
    """One entry of the conversation: mail in or out, or an internal note."""

    id: int
    direction: str
    kind: str
    sender_email: str
    sender_name: str
    to: list[str]
    cc: list[str]
    subject: str
    text: str
    author_id: int | None
    created_at: datetime
    attachments: list[AttachmentOut]


class FileIn(Schema):
    """A file sent with a reply, its content in base64."""

    filename: str = Field(..., min_length=1, max_length=255)
    content_type: str = Field("application/octet-stream", max_length=255)
    content_base64: str


class ReplyIn(Schema):
    """The agent's answer to the customer."""

    text: str = Field(..., min_length=1, max_length=100000)
    cc: list[str] = Field(default_factory=list, max_length=20)
    pending: bool = Field(False, description="Wait on the customer after this reply.")
    attachments: list[FileIn] = Field(default_factory=list, max_length=10)


class NoteIn(Schema):
    """An internal note (never mailed)."""

    text: str = Field(..., min_length=1, max_length=100000)
