"""The form pages' HTML: Jinja2 templates (``relay/forms/templates``), autoescaped, and
the static CSS and script (``relay/forms/assets``), named by their content's hash so they
can be cached for good and allowed by ``'self'`` in the CSP without inline code."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from relay.forms.schema import JST, FormDefinition, Item, Problem, _default_text

HERE = Path(__file__).parent
ASSETS_PATH = "/f-assets"


@dataclass(frozen=True)
class Asset:
    name: str  # e.g. form.3fa2c1d0.css
    body: bytes
    media_type: str


def _load_assets() -> dict[str, Asset]:
    out: dict[str, Asset] = {}
    for path in sorted((HERE / "assets").iterdir()):
        body = path.read_bytes()
        stem, ext = path.stem, path.suffix
        name = f"{stem}.{hashlib.sha256(body).hexdigest()[:10]}{ext}"
        media = "text/css; charset=utf-8" if ext == ".css" else \
            "text/javascript; charset=utf-8"
        out[path.name] = Asset(name, body, media)
    return out


ASSETS = _load_assets()
ASSETS_BY_NAME = {a.name: a for a in ASSETS.values()}

_env = Environment(loader=FileSystemLoader(HERE / "templates"),
                   autoescape=select_autoescape(default=True, default_for_string=True),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_common = {"assets": ASSETS_PATH, "css": ASSETS["form.css"].name,
           "form_js": ASSETS["form.js"].name, "liff_js": ASSETS["liff.js"].name}


@dataclass(frozen=True)
class LiffPage:
    liff_id: str
    sdk_url: str


def form_page(definition: FormDefinition, *, action: str, csrf: str, privacy_url: str,
              values: Mapping[str, list[str]] | None = None,
              problems: Mapping[str, Problem] | None = None, notice: str | None = None,
              liff: LiffPage | None = None, now: dt.datetime | None = None) -> str:
    values = values or {}
    problems = dict(problems or {})
    first_visit = not values and not problems

    def value(name: str) -> str:
        got = values.get(name)
        if got:
            return got[0]
        if first_visit:
            item = definition.item(name)
            if item is not None and item.default is not None and item.type != "consent":
                return _default_text(item.default)
        return ""

    def chosen(item: Item) -> list[str]:
        if item.key in values:
            return list(values[item.key])
        if first_visit and item.default is not None:
            return list(item.default) if isinstance(item.default, list) else [item.default]
        return []

    def checked(item: Item) -> bool:
        if item.key in values:
            return any(v.strip() for v in values[item.key])
        return first_visit and item.default is True

    labels = {i.key: i.label for i in definition.items}
    labels[""] = "フォーム"
    return _env.get_template("form.html").render(
        **_common, page_title=definition.title, form=definition, action=action, csrf=csrf,
        privacy_url=privacy_url, problems=problems, labels=labels, notice=notice, liff=liff,
        description=[p for p in definition.description.split("\n\n") if p.strip()],
        multipart=any(i.type == "file" for i in definition.items),
        today=(now or dt.datetime.now(JST)).astimezone(JST).date().isoformat(),
        value=value, chosen=chosen, checked=checked, hidden_values=_hidden_values,
        accept=_accept, file_hint=_file_hint)


def message_page(heading: str, lines: list[str], *, kind: str = "refused",
                 form_title: str | None = None) -> str:
    return _env.get_template("message.html").render(
        **_common, page_title=heading, heading=heading, lines=lines, kind=kind,
        form_title=form_title)


def privacy_page(policy: Any = None) -> str:
    """The shop's published policy (relay.privacy.Policy), or, before one is published,
    what the relay itself can say about the forms' answers."""
    title = f"{policy.title}｜{policy.business_name}" if policy else "個人情報の取り扱い"
    return _env.get_template("privacy.html").render(**_common, page_title=title,
                                                    policy=policy)


def _hidden_values(item: Item) -> list[str]:
    if isinstance(item.default, list):
        return [str(v) for v in item.default]
    return [_default_text(item.default)]


def _accept(item: Item) -> str:
    kinds = {"photo": "image/jpeg,image/png,.jpg,.jpeg,.png", "pdf": "application/pdf,.pdf"}
    return ",".join(kinds[k] for k in item.accept)


def _file_hint(item: Item) -> str:
    what = "・".join({"photo": "写真（JPEG・PNG）", "pdf": "PDF"}[k] for k in item.accept)
    count = f"、{item.max_files}個まで" if item.max_files > 1 else ""
    return f"{what}、{item.max_bytes / 1_000_000:g}MBまで{count}。"


def render_values(fields: Mapping[str, Any]) -> dict[str, list[str]]:
    return {k: [str(x) for x in v] for k, v in fields.items() if not k.startswith("_")}
