"""How much of the book a custom field holds: what the owner is told before deleting it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import distinct, func, select, union

from app.store.models import Attachment, FieldValue, PointsEntry

if TYPE_CHECKING:
    from app.book import Book


def customers_with_value(book: Book, field_id: int) -> int:
    """Customers who have a value of the field: a stored value, points history, or a file.

    Deleting the field removes values and points history; files of image and file fields
    stay with the customer as ordinary attachments, but they are counted here too because
    the owner sees them as the field's values.
    """
    holders = union(
        select(FieldValue.customer_id).where(FieldValue.field_id == field_id),
        select(PointsEntry.customer_id).where(PointsEntry.field_id == field_id),
        select(Attachment.customer_id).where(Attachment.field_id == field_id),
    ).subquery()
    with book.db.read() as s:
        return int(s.scalar(select(func.count(distinct(holders.c.customer_id)))) or 0)
