"""ID連携 on the relay: the member-link page a friend opens from a per-friend link.

* :mod:`relay.members.schema`  the page's MAC key and the tries counted per friend;
* :mod:`relay.members.pages`   ``PUT /v1/member-link`` (device) and ``GET/POST
  /ml/{page_id}/{token}`` (the friend's page).

The friend's answer (member number, phone or birthday) is sealed to every paired device
as an ``otokui-member-link/1`` item and never kept readable; the desktop matches it
(app/members/linking.py). See docs/id-linking.md.
"""
