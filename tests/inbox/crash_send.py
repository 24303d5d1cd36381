"""A sending process that dies with SIGKILL between storing a push and hearing from LINE.

``python -m tests.inbox.crash_send PROFILE CUSTOMER_ID NOW MODE`` (passphrase in
OTOKUI_PASSPHRASE): stores a push to the customer as ``book.sending.send`` does, then

* ``stored``: dies before any request to LINE;
* ``accepted``: sends the push with the stored key (LINE accepts it), then dies before
  recording the answer: the worst case, a message out that the book thinks is unsent.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from app.line.send.delivery import Verdict
from app.profile import Profile

TEXT = "ご予約の確認です。明日15時にお待ちしております。"


def main() -> None:
    profile, customer_id, now, mode = sys.argv[1:5]
    book = Profile(Path(profile)).open(os.environ["OTOKUI_PASSPHRASE"])
    book.sending.clock = lambda: float(now)
    draft = book.sending.compose(int(customer_id), [TEXT])
    group = book.sending._stage(draft)
    assert group.via == "push" and group.retry_key
    if mode == "accepted":
        to = book.customers.get(int(customer_id)).line_user_id
        assert to is not None
        with book.sending._sender() as sender:
            answer = sender.push(to, group.messages, group.retry_key)
        assert answer.verdict is Verdict.ACCEPTED, answer
    sys.stdout.write("staged\n")
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    main()
