"""Translatable text in the Qt-free core.

The core never imports Qt, yet the owner must read its messages in Japanese. Strings the
user sees are marked with :func:`QT_TRANSLATE_NOOP`, which returns its text unchanged here;
``pyside6-lupdate`` extracts them into ``resources/translations/*.ts`` like any ``tr()``
call, and ``ui/`` translates them with ``QCoreApplication.translate(context, text)``.
The command line prints the English source text.
"""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate looks for
    """Mark ``text`` for translation in ``context``; return it unchanged."""
    del context
    return text
