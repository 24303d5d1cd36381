"""Forms (問診票・アンケート): the one definition both the relay and the desktop use.

* :mod:`relay.forms.schema`  the form definition (items, settings, destinations), parsing
  the JSON definition file, and validating an answer against it (problems in Japanese);
* :mod:`relay.forms.links`   per-friend link tokens (MAC for the relay, the friend's LINE
  user id encrypted to the desktop);
* :mod:`relay.forms.items`   the plaintext of the sealed items a form answer (and each
  uploaded file) travels in, from the relay to the desktops;
* :mod:`relay.forms.store`   the relay's copy of published definitions
  (``PUT /v1/forms/{id}``).

Everything here is pure Python plus ``cryptography`` and SQLAlchemy (store only): the
relay must not import ``app/``, while ``app/forms`` imports these modules, so the relay's
server-side checks and the desktop's re-validation are the same code. See docs/forms.md.
"""
