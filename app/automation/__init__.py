"""Automation rules (issue 13): When (a domain event) / If (a segment) / Then (actions).

Qt-free. :mod:`.model` is the rule's JSON format, :mod:`.actions` the registry of action
kinds, :mod:`.engine` runs pending domain events through the enabled rules, once each,
:mod:`.service` is ``book.rules``-like access (save with checks, list, try). See
docs/automation.md.
"""
