"""Translatable text in the Qt-free core.

The core never imports Qt, yet the owner must read its messages in Japanese. Strings the
user sees are marked with :func:`QT_TRANSLATE_NOOP`, which returns the text unchanged as a
:class:`Text`: a ``str`` that also carries the catalog context it was marked in.
``pyside6-lupdate`` extracts them into ``resources/translations/*.ts`` like any ``tr()``
call, and ``ui/`` translates them with ``QCoreApplication.translate(text.context, text)``
(:func:`ui.errors.translate_text`): an error raised with a message of the "templates"
catalog is looked up in "templates", never guessed from a list of likely contexts.

A sentence that went through the book (a failed send's reason stored as text) comes back
as a plain ``str``; :func:`context_of` finds the context it was declared in, since every
marked text is recorded when its module is imported. The command line prints the English
source text.
"""

from __future__ import annotations

#: Source text → the context it was marked in (the first; tests check there is only one).
_DECLARED: dict[str, str] = {}
#: Source texts marked in more than one context (tests look at these).
AMBIGUOUS: dict[str, set[str]] = {}


class Text(str):
    """A source text marked for translation, with its catalog context."""

    context: str

    def __new__(cls, text: str, context: str) -> Text:
        self = super().__new__(cls, text)
        self.context = context
        return self

    def __reduce__(self) -> tuple[type[Text], tuple[str, str]]:
        return (Text, (str(self), self.context))


def QT_TRANSLATE_NOOP(context: str, text: str) -> Text:  # the name lupdate looks for
    """Mark ``text`` for translation in ``context``; return it unchanged, with its context."""
    known = _DECLARED.setdefault(text, context)
    if known != context:
        AMBIGUOUS.setdefault(text, {known}).add(context)
    return Text(text, context)


def context_of(text: str) -> str | None:
    """The catalog context of a core text: its own, or the one it was declared in."""
    own = getattr(text, "context", None)
    if isinstance(own, str):
        return own
    return _DECLARED.get(text)
