"""Forms on the desktop (Qt-free): the book's forms, versions, links and answers.

* :mod:`app.forms.service`  ``book.forms`` (:class:`FormService`): create, import, update,
  publish (versions), upload to the relay, per-friend and public links, answers;
* :mod:`app.forms.apply`    applying an answer from the relay (:func:`apply_form_answer`),
  files, and the owner's choice for pending ones;
* :mod:`app.forms.export`   answers as Excel-ready CSV;
* :mod:`app.forms.errors`   the known errors.

The definition and the answer checks are :mod:`relay.forms.schema`, the same code the
relay runs. See docs/forms.md.
"""

from app.forms.apply import ApplyResult, apply_form_answer, assign_pending, store_form_file
from app.forms.service import AnswerInfo, FormInfo, FormService, Published

__all__ = ["AnswerInfo", "ApplyResult", "FormInfo", "FormService", "Published",
           "apply_form_answer", "assign_pending", "store_form_file"]
