"""Purchases: the catalogue (product), orders (shop_order) and their lines (order_line).

Revision ID: 0014_purchases
Revises: 0011_rules
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_purchases"
down_revision = "0011_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "product",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("price", sa.Integer, nullable=False),
        sa.Column("tax_rate", sa.Integer, nullable=False),
        sa.Column("shown", sa.Boolean, nullable=False),
        sa.Column("stock", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "shop_order",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(64), nullable=False, unique=True),
        sa.Column("customer_id", sa.Integer,
                  sa.ForeignKey("customer.id", ondelete="CASCADE"), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("refunded", sa.Integer, nullable=False),
        sa.Column("ordered_at", sa.DateTime, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_shop_order_customer_id", "shop_order", ["customer_id"])
    op.create_index("ix_shop_order_ordered_at", "shop_order", ["ordered_at"])
    op.create_table(
        "order_line",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("order_id", sa.Integer,
                  sa.ForeignKey("shop_order.id", ondelete="CASCADE"), nullable=False),
        sa.Column("product_id", sa.Integer,
                  sa.ForeignKey("product.id", ondelete="SET NULL"), nullable=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("unit_price", sa.Integer, nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("tax_rate", sa.Integer, nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
    )
    op.create_index("ix_order_line_order_id", "order_line", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_order_line_order_id", "order_line")
    op.drop_table("order_line")
    op.drop_index("ix_shop_order_ordered_at", "shop_order")
    op.drop_index("ix_shop_order_customer_id", "shop_order")
    op.drop_table("shop_order")
    op.drop_table("product")
