"""Otokui's core: the encrypted customer book and the LINE work, with no Qt in it.

Everything under ``app/`` is importable and testable without a QApplication; the
``ui/`` package draws on top of it.
"""

__version__ = "0.1.0"
