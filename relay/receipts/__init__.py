"""Receipts (領収書) a buyer opens from a LINE message: the relay keeps only ciphertext.

* :mod:`relay.receipts.schema`  the table (ids, the shop, the ciphertext, times);
* :mod:`relay.receipts.http`    ``PUT/DELETE /v1/receipts/{id}`` (device) and
  ``GET /receipt/{id}/{key}`` (the buyer).

See docs/purchases.md ("Receipt sent on LINE").
"""
