"""Otokui's window: thin Qt widgets, models and dialogs over the Qt-free core in ``app/``."""
