"""Product photos (issue 15): the picture shown on the relay's product page

Revision ID: 0026_product_photo
Revises: 0022_booking_ui
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026_product_photo"
down_revision = "0022_booking_ui"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("product") as batch:
        batch.add_column(sa.Column("photo", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("photo_type", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("product") as batch:
        batch.drop_column("photo_type")
        batch.drop_column("photo")
