"""Every known error is shown in Japanese: each message carries its own catalog context.

The errors are found two ways: by walking every subclass of :class:`OtokuiError` once all
of ``app`` is imported, and by reading every ``message=``/``advice=`` given where errors are
raised in ``app`` (the texts that replace a class's own). Nothing guesses a context.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import app
from app.errors import OtokuiError, ValidationError
from app.i18n import AMBIGUOUS, QT_TRANSLATE_NOOP, Text, context_of
from ui import i18n
from ui.errors import translate_error, translate_text

APP = Path(app.__file__).parent
#: Words that stay as they are in the Japanese UI (names of things, formats).
KEPT = {"LINE", "CSV", "JPEG", "PNG", "UTF", "Shift_JIS", "Excel", "Otokui", "OTOKUI",
        "URL", "HTTPS", "MB", "GB", "KB", "ID", "OS", "VIP", "Official", "Account",
        "Manager", "Messaging", "API", "PASSPHRASE", "ZIP", "SQLCipher", "PDF", "HEIC",
        "Developers", "Console", "Webhook", "QR", "http", "https",
        "shops",  # the path of a shop's address on a relay (https://…/shops/…)
        "init"}  # the command "otokui init"
#: Command-line-only errors (the CLI prints English on purpose).
CLI_ONLY = {"cli.py"}


def _english_words(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z_']{2,}", re.sub(r"\{[^}]*\}|%\d|https?://\S+|`[^`]*`", "",
                                                          text))
    return [w for w in words if w not in KEPT and w.upper() not in KEPT
            and not re.fullmatch(r"[A-Z][A-Z_]+", w)]  # a setting's name: RELAY_PUBLIC_URL


def _import_all() -> None:
    for info in pkgutil.walk_packages([str(APP)], "app."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def _instance(cls: type[OtokuiError]) -> OtokuiError:
    params = inspect.signature(cls.__init__).parameters
    args = []
    for name, p in list(params.items())[1:]:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.KEYWORD_ONLY):
            continue
        if p.default is p.empty:
            args.append([] if name in ("problems",) else 1 if "count" in name else "x")
    try:
        exc = cls(*args)
    except TypeError:
        exc = cls.__new__(cls)
    exc.detail = ""  # non-personal detail (a count, a file name) is not a sentence
    return exc


@pytest.fixture
def japanese(qapp):
    i18n.compile_if_stale()
    i18n.install_translators(qapp, "ja")
    yield qapp
    i18n.uninstall_translators(qapp)


def test_a_marked_text_carries_its_context_and_survives_a_plain_copy() -> None:
    text = QT_TRANSLATE_NOOP("templates", "A template needs a text.")
    assert isinstance(text, Text) and text.context == "templates"
    assert context_of(str(text)) == "templates"  # a sentence stored in the book
    assert context_of("Never marked anywhere.") is None


def test_every_known_error_is_japanese(japanese) -> None:
    _import_all()
    classes = [c for c in _subclasses(OtokuiError)
               if Path(inspect.getfile(c)).name not in CLI_ONLY]
    assert len(classes) > 40  # the walk found the core's errors, not a handful
    english = {}
    for cls in [OtokuiError, *classes]:
        exc = _instance(cls)
        for text in (exc.message, exc.advice):
            if text and not hasattr(text, "context"):
                english[cls.__name__] = f"not marked for translation: {text!r}"
        message, advice = translate_error(exc)
        found = _english_words(f"{message} {advice}".replace("(x)", ""))
        if found:
            english[cls.__name__] = f"{message} {advice} {found}"
    assert english == {}


def _raise_site_texts() -> list[tuple[str, int, ast.expr, dict[str, ast.expr]]]:
    """(file, line, value, module constants) of every message=/advice= in app."""
    found = []
    for path in sorted(APP.rglob("*.py")):
        if path.name in CLI_ONLY or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign)
                     for t in n.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg in ("message", "advice") and not (
                            isinstance(kw.value, ast.Constant) and kw.value.value is None):
                        found.append((path.name, node.lineno, kw.value, constants))
    return found


def test_every_message_given_where_an_error_is_raised_is_japanese(japanese) -> None:
    _import_all()
    sites = _raise_site_texts()
    assert len(sites) > 20
    problems = []
    checked = 0
    for name, line, value, constants in sites:
        if isinstance(value, ast.Name) and value.id in constants:
            value = constants[value.id]
        if isinstance(value, ast.Name):
            continue  # a parameter passed on (message=message): checked where it is made
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                and value.func.id == "QT_TRANSLATE_NOOP"):
            problems.append(f"{name}:{line}: not marked for translation")
            continue
        ctx_node, text_node = value.args
        ctx = ctx_node.value if isinstance(ctx_node, ast.Constant) else \
            constants[ctx_node.id].value  # type: ignore[attr-defined, union-attr]
        text = QT_TRANSLATE_NOOP(ctx, text_node.value)  # type: ignore[attr-defined]
        shown, _advice = translate_error(ValidationError(message=text))
        checked += 1
        if _english_words(shown):
            problems.append(f"{name}:{line}: {ctx}: {shown}")
    assert checked > 20
    assert problems == []


def test_a_template_error_is_japanese(japanese) -> None:
    """The case the owner met: "A template needs a text." in English."""
    import app.templates  # noqa: F401 - the module marks its texts

    exc = ValidationError(message=QT_TRANSLATE_NOOP("templates", "A template needs a text."))
    message, _advice = translate_error(exc)
    assert not _english_words(message), message


def test_a_stored_failure_keeps_lines_reason(japanese) -> None:
    from app.line.send.errors import SendRefusedError

    stored = f"{SendRefusedError.message} (messages[0].text: too long)"
    shown = translate_text(str(stored))
    assert shown.endswith("(messages[0].text: too long)")
    assert not _english_words(shown.split(" (")[0])


def test_no_core_text_is_marked_in_two_contexts() -> None:
    _import_all()
    assert AMBIGUOUS == {}


def test_no_context_list_is_guessed_in_the_window_code() -> None:
    """No loop tries contexts one after the other (``for ctx in (...): translate(ctx, …)``)."""
    guesses = []
    for path in (APP.parent / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.For) and isinstance(node.target, ast.Name)):
                continue
            for call in ast.walk(node):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "translate" and call.args
                        and isinstance(call.args[0], ast.Name)
                        and call.args[0].id == node.target.id):
                    guesses.append(f"{path.name}:{call.lineno}")
    assert guesses == []
