"""ID連携: the shop's existing members in the book, and linking them to LINE friends.

See docs/id-linking.md. ``member import`` (:mod:`app.members.importer`) brings members in
as customers without LINE; a link request (a friend's member number + phone or birthday,
sealed by the relay's page, :mod:`app.members.linking`) links them on sync.
"""
