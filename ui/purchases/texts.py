"""Words shown for the core's codes (order source and status)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def source_text(source: str) -> str:
    return {"counter": QCoreApplication.translate("purchases.ui", "At the counter"),
            "csv": QCoreApplication.translate("purchases.ui", "Imported from CSV"),
            "online": QCoreApplication.translate("purchases.ui", "Paid online"),
            }.get(source, source)


def status_text(status: str) -> str:
    return {"paid": QCoreApplication.translate("purchases.ui", "Paid"),
            "partially_refunded": QCoreApplication.translate("purchases.ui",
                                                             "Partly refunded"),
            "refunded": QCoreApplication.translate("purchases.ui", "Refunded in full"),
            }.get(status, status)


def yen(amount: int) -> str:
    return f"¥{amount:,}"
