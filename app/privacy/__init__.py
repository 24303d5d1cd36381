"""Privacy by the book (個人情報保護法, APPI): what a shop must be able to do with the personal
data it holds, each one action.

* :mod:`app.privacy.schema`: where the book keeps something about a person, found from the
  schema itself (so a table added later is found too);
* :mod:`app.privacy.disclose`: a disclosure request (開示請求): everything about one
  customer, written into one zip file;
* :mod:`app.privacy.erase`: deletion / stop of use (削除・利用停止): one customer gone
  everywhere in the book, freed pages scrubbed, and kept out of later syncs;
* :mod:`app.privacy.retention`: retention rules (blocked friends, old messages, old
  attachments), previewed before they run;
* :mod:`app.privacy.policy`: the shop's privacy policy (プライバシーポリシー), generated
  from its settings, versioned, written as HTML and PDF;
* :mod:`app.privacy.cli`: ``python main.py privacy …``.

Qt-free, like the rest of ``app/``.
"""
