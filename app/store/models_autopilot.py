"""What the relay's autopilot already sent (issue 13): one row per answered LINE event.

Filled from the relay's sealed ``otokui-autopilot/1`` items (app/autopilot/sync.py); each
row is matched to its incoming message once that is in the book (``applied``): the reply
is then shown in the chat and the reply token marked used, so it is not offered again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, utcnow


class AutopilotSent(Base):
    __tablename__ = "autopilot_sent"

    webhook_event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    line_user_id: Mapped[str | None] = mapped_column(String(64))
    #: sent, failed (LINE refused it), unknown (the relay lost the answer: token used)
    state: Mapped[str] = mapped_column(String(10))
    #: The relay's reply that answered (``rule-<id>``: an instant rule; None: stored before
    #: 0036_instant_rules, or an outcome the relay lost).
    reply_id: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    at_ms: Mapped[int] = mapped_column(BigInteger)
    applied: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
