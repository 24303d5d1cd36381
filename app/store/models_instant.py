"""The public pages' LINE messages the relay's autopilot sends instantly (issue 13 with 12,
14, 15): one row per message, keyed like the relay's claim (``form:<answer id>``,
``order:<order number>``, ``booking:<booking id>``).

Two things meet here, in either order: the item the message is about (an answer, order
or booking sealed with ``"instant": true``: the desktop must not send it itself) and the
relay's ``otokui-instant/1`` item saying how it went. When both are in, the message is
*settled* (app/autopilot/pages.py): shown in the friend's chat if the relay sent it, or
owed to the desktop's exactly-once sending if it did not.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.models import Base, utcnow


class InstantSend(Base):
    __tablename__ = "instant_send"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    #: expected (the item is in, the relay's word not yet), sent / failed (the relay's
    #: word is in, the item not yet), done (settled)
    state: Mapped[str] = mapped_column(String(10))
    #: Known once the item is in.
    customer_id: Mapped[int | None] = mapped_column(Integer)
    #: What the desktop would send (and sends if the relay could not), and as what.
    fallback: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(String(100), default="")
    #: What the relay sent, and when (its clock, ms).
    text: Mapped[str] = mapped_column(Text, default="")
    at_ms: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
