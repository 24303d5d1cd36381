"""Purchases: the catalogue, orders (counter, CSV, online), history, receipts. Qt-free.

See docs/purchases.md. The service is ``book.purchases``
(:class:`app.purchases.service.PurchaseService`).
"""
