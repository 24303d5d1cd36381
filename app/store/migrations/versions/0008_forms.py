"""Forms: definitions, immutable published versions, answers and their files

``form`` holds the draft and the link secret; ``form_version`` every published version
(a trigger refuses UPDATE: answers are read against the version they name, forever);
``form_answer`` each answer from the relay with its status (applied, pending for the
owner, refused, replaced); ``form_answer_file`` uploaded files (bytes in the book until
the answer is applied, then an attachment).

Revision ID: 0008_forms
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_forms"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("link_secret", sa.LargeBinary(), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("relay_version", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("form_id"),
    )
    op.create_table(
        "form_version",
        sa.Column("form_pk", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["form_pk"], ["form.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("form_pk", "version"),
    )
    op.execute("CREATE TRIGGER form_version_immutable BEFORE UPDATE ON form_version "
               "BEGIN SELECT RAISE(ABORT, 'a published form version cannot be changed'); END")
    op.create_table(
        "form_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.String(length=32), nullable=False),
        sa.Column("form_id", sa.String(length=16), nullable=False),
        sa.Column("form_pk", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("identity", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("answer_values", sa.JSON(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("replaces", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["form_pk"], ["form.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("answer_id"),
    )
    op.create_index("ix_form_answer_form", "form_answer", ["form_pk", "submitted_at"])
    op.create_index("ix_form_answer_customer", "form_answer", ["customer_id"])
    op.create_index("ix_form_answer_status", "form_answer", ["status"])
    op.create_table(
        "form_answer_file",
        sa.Column("file_id", sa.String(length=32), nullable=False),
        sa.Column("answer_id", sa.String(length=32), nullable=False),
        sa.Column("item_key", sa.String(length=40), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachment.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("file_id"),
    )
    op.create_index("ix_form_answer_file_answer_id", "form_answer_file", ["answer_id"])


def downgrade() -> None:
    op.drop_index("ix_form_answer_file_answer_id", table_name="form_answer_file")
    op.drop_table("form_answer_file")
    op.drop_index("ix_form_answer_status", table_name="form_answer")
    op.drop_index("ix_form_answer_customer", table_name="form_answer")
    op.drop_index("ix_form_answer_form", table_name="form_answer")
    op.drop_table("form_answer")
    op.execute("DROP TRIGGER IF EXISTS form_version_immutable")
    op.drop_table("form_version")
    op.drop_table("form")
