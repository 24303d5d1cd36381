"""Summaries the 分析 figures read: messages per day, friends' waits, prefectures

Also covering indexes for the bookings and sales figures.

Reading a period's messages (sorting them per friend for response times) or every
customer's address was most of the dashboard's and the cross tabulation's time
(docs/performance-analytics.md). Triggers keep what those reads need, whatever writes:
``message_day`` exact per insert, unsend and delete; ``message_wait_dirty`` names the
friends whose waits (``message_wait``) must be recomputed (app/analytics/summaries.py,
exact also for messages arriving late or out of order); ``customer_prefecture`` through
``otokui_prefecture_code`` (app/store/sqlfunctions.py). Existing books are filled here; their
waits are computed by the first refresh (every friend with messages is marked).

Revision ID: 0033_analytics_summaries
Revises: 0028_autopilot_pages
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033_analytics_summaries"
down_revision = "0028_autopilot_pages"
branch_labels = None
depends_on = None

DAY_MS = 86_400_000
JST_MS = 9 * 3_600_000
#: app.messages.NOT_COUNTED when this was written (tests/analytics/test_summaries.py
#: fails if they part: the triggers would then need a new migration).
NOT_COUNTED_SQL = "'postback', 'system'"
DAY = f"(({{row}}.at_ms + {JST_MS}) / {DAY_MS})"


def counted(row: str) -> str:
    return (f"{row}.direction IN ('in', 'out') AND {row}.type NOT IN ({NOT_COUNTED_SQL}) "
            f"AND {row}.unsent_at_ms IS NULL")


def _bump(row: str, by: str) -> str:
    return (f"INSERT INTO message_day (day, direction, n) VALUES "  # noqa: S608 (constants)
            f"({DAY.format(row=row)}, {row}.direction, {by}) "
            f"ON CONFLICT (day, direction) DO UPDATE SET n = n + ({by});")


MESSAGE_FIELDS = "customer_id, at_ms, direction, type, unsent_at_ms"

TRIGGERS = {
    "message_day_insert": f"""
        CREATE TRIGGER message_day_insert AFTER INSERT ON message WHEN {counted("NEW")}
        BEGIN {_bump("NEW", "1")} END""",
    "message_day_update_old": f"""
        CREATE TRIGGER message_day_update_old AFTER UPDATE OF {MESSAGE_FIELDS} ON message
        WHEN {counted("OLD")} BEGIN {_bump("OLD", "-1")} END""",
    "message_day_update_new": f"""
        CREATE TRIGGER message_day_update_new AFTER UPDATE OF {MESSAGE_FIELDS} ON message
        WHEN {counted("NEW")} BEGIN {_bump("NEW", "1")} END""",
    "message_day_delete": f"""
        CREATE TRIGGER message_day_delete AFTER DELETE ON message WHEN {counted("OLD")}
        BEGIN {_bump("OLD", "-1")} END""",
    "message_wait_insert": """
        CREATE TRIGGER message_wait_insert AFTER INSERT ON message
        BEGIN INSERT OR IGNORE INTO message_wait_dirty (customer_id) VALUES (NEW.customer_id);
        END""",
    "message_wait_update": f"""
        CREATE TRIGGER message_wait_update AFTER UPDATE OF {MESSAGE_FIELDS} ON message
        BEGIN INSERT OR IGNORE INTO message_wait_dirty (customer_id) VALUES (OLD.customer_id);
              INSERT OR IGNORE INTO message_wait_dirty (customer_id) VALUES (NEW.customer_id);
        END""",  # noqa: S608 (constants)
    # A friend deleted with their messages is not marked (their waits went with them by
    # the foreign key), so that nothing of an erased person stays (tests/privacy).
    "message_wait_delete": """
        CREATE TRIGGER message_wait_delete AFTER DELETE ON message
        BEGIN INSERT OR IGNORE INTO message_wait_dirty (customer_id)
              SELECT OLD.customer_id WHERE EXISTS
                  (SELECT 1 FROM customer WHERE id = OLD.customer_id);
        END""",
    "message_wait_customer_delete": """
        CREATE TRIGGER message_wait_customer_delete AFTER DELETE ON customer
        BEGIN DELETE FROM message_wait_dirty WHERE customer_id = OLD.id; END""",
    "customer_prefecture_insert": """
        CREATE TRIGGER customer_prefecture_insert AFTER INSERT ON customer
        WHEN otokui_prefecture_code(NEW.address) IS NOT NULL
        BEGIN INSERT OR REPLACE INTO customer_prefecture (customer_id, code)
              VALUES (NEW.id, otokui_prefecture_code(NEW.address));
        END""",
    "customer_prefecture_update": """
        CREATE TRIGGER customer_prefecture_update AFTER UPDATE OF address ON customer
        BEGIN DELETE FROM customer_prefecture WHERE customer_id = NEW.id;
              INSERT INTO customer_prefecture (customer_id, code)
              SELECT NEW.id, otokui_prefecture_code(NEW.address)
              WHERE otokui_prefecture_code(NEW.address) IS NOT NULL;
        END""",
}


def upgrade() -> None:
    op.create_table(
        "message_day",
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "direction"))
    op.create_table(
        "message_wait",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("start_ms", sa.BigInteger(), nullable=False),
        sa.Column("answered_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_message_wait_start", "message_wait",
                    ["start_ms", "answered_ms", "customer_id"])
    op.create_index("ix_message_wait_customer", "message_wait", ["customer_id"])
    op.create_table(
        "message_wait_dirty",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("customer_id"))
    op.create_table(
        "customer_prefecture",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("code", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("customer_id"))
    op.create_index("ix_customer_prefecture_code", "customer_prefecture", ["code", "customer_id"])
    op.execute("CREATE INDEX ix_customer_birthday_month ON customer "
               "(CAST(substr(birthday, 6, 2) AS INTEGER), id)")
    # A friend's messages in time order with what decides whether they count, from the
    # index alone (recomputing waits read every message row before).
    op.drop_index("ix_message_customer_at", "message")
    op.create_index("ix_message_customer_at", "message",
                    ["customer_id", "at_ms", "id", "direction", "type", "unsent_at_ms"])
    op.create_index("ix_booking_start_status", "booking", ["start", "status"])
    op.create_index("ix_order_time_cover", "shop_order",
                    ["ordered_at", "customer_id", "total", "refunded"])
    op.create_index("ix_order_customer_time", "shop_order", ["customer_id", "ordered_at"])
    for ddl in TRIGGERS.values():
        op.execute(ddl)
    op.execute(f"INSERT INTO message_day (day, direction, n) SELECT {DAY.format(row='m')}, "  # noqa: S608
               f"m.direction, count(*) FROM message AS m WHERE {counted('m')} GROUP BY 1, 2")
    op.execute("INSERT INTO message_wait_dirty (customer_id) "
               "SELECT DISTINCT customer_id FROM message")
    op.execute("INSERT INTO customer_prefecture (customer_id, code) "
               "SELECT id, otokui_prefecture_code(address) FROM customer "
               "WHERE otokui_prefecture_code(address) IS NOT NULL")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_message_customer_at", "message")
    op.create_index("ix_message_customer_at", "message", ["customer_id", "at_ms", "id"])
    op.drop_index("ix_customer_birthday_month", "customer")
    for index, table in (("ix_booking_start_status", "booking"),
                         ("ix_order_time_cover", "shop_order"),
                         ("ix_order_customer_time", "shop_order")):
        op.drop_index(index, table)
    for table in ("customer_prefecture", "message_wait_dirty", "message_wait", "message_day"):
        op.drop_table(table)
