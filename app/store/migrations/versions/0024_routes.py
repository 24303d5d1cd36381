"""Inflow routes (流入経路): the routes, their arrivals, each customer's first route

Revision ID: 0024_routes
Revises: 0019_privacy_incidents
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024_routes"
down_revision = "0019_privacy_incidents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inflow_route",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slug", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("published_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "route_arrival",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("arrival_id", sa.String(32), nullable=False, unique=True),
        sa.Column("route_id", sa.Integer,
                  sa.ForeignKey("inflow_route.id", ondelete="CASCADE"), nullable=False),
        sa.Column("customer_id", sa.Integer,
                  sa.ForeignKey("customer.id", ondelete="SET NULL"), nullable=True),
        sa.Column("arrived_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_route_arrival_customer_id", "route_arrival", ["customer_id"])
    op.create_index("ix_route_arrival_route_at", "route_arrival", ["route_id", "arrived_at"])
    op.create_table(
        "customer_route",
        sa.Column("customer_id", sa.Integer,
                  sa.ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("route_id", sa.Integer,
                  sa.ForeignKey("inflow_route.id", ondelete="CASCADE"), nullable=False),
        sa.Column("arrived_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_customer_route_route_id", "customer_route", ["route_id"])


def downgrade() -> None:
    op.drop_index("ix_customer_route_route_id", "customer_route")
    op.drop_table("customer_route")
    op.drop_index("ix_route_arrival_route_at", "route_arrival")
    op.drop_index("ix_route_arrival_customer_id", "route_arrival")
    op.drop_table("route_arrival")
    op.drop_table("inflow_route")
