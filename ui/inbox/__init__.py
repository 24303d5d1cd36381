"""The chat inbox window: conversation list, conversation view, composer (issue 5).

Built on the Qt-free core (``book.messages``, ``book.sending``, ``book.templates``);
see docs/inbox.md, section "The window".
"""
