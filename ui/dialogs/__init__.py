"""The app's dialogs: first run, unlock, CSV import, custom fields, settings, new customer.

Each dialog is thin: it gathers what the owner typed and hands it to the core in ``app/``,
running anything slow (key derivation, keyring calls, imports) off the main thread with
:func:`ui.worker.run_in_background` (see :mod:`ui.dialogs.background`).
"""
