"""Run by tests/ui/test_welcome_layout.py in a child process (QT_SCALE_FACTOR is read
when the application starts): builds the welcome dialog at its default size, goes to the
passphrase page, types, and prints the sizes the test checks, as JSON."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path


def main() -> int:
    import keyring

    from tests.support.keyrings import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    from app.profile import Profile
    from ui import i18n
    from ui.app import create_application
    from ui.dialogs.welcome import WelcomeDialog
    from ui.resources import style_sheet

    app = create_application([sys.argv[0]])
    i18n.install_translators(app, "ja")
    app.setStyleSheet(style_sheet())
    dialog = WelcomeDialog(Profile(Path(tempfile.mkdtemp()) / "profile"))
    dialog.show()
    app.processEvents()
    dialog._no_keyring()  # as on every machine without a keyring
    dialog._go(dialog.PAGE_CREATE)
    fields = dialog.passphrase_fields
    out: dict[str, object] = {}

    def measure(step: str) -> None:
        app.processEvents()
        out[step] = {
            "inputs": [(w.edit.height(), w.edit.minimumSizeHint().height())
                       for w in (fields.first, fields.second)],
            "labels": [(label.height(), label.heightForWidth(label.width()))
                       for label in (fields.first_hint, fields.second_hint,
                                     dialog.create_message, dialog.no_keyring_label)
                       if label.isVisible()],
            "error": dialog.create_message.isVisible(),
            # Where the second field is: it must not move as the hints change.
            "second_y": fields.second.mapTo(dialog, fields.second.rect().topLeft()).y(),
        }

    measure("start")
    dialog._next()  # nothing typed: the error under the page
    measure("refused")
    fields.set_texts("しっか", "")
    measure("short")
    fields.set_texts("しっかりした合言葉", "しっか")
    measure("different")
    fields.set_texts("しっかりした合言葉", "しっかりした合言葉")
    measure("same")
    out["size"] = [dialog.width(), dialog.height()]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
