"""The shop's privacy policy (プライバシーポリシー), generated from its settings and versioned.

The owner answers what the law asks (APPI: the business's name, address and representative;
what is collected and why; third parties and entrusted parties — LINE and the host of the
shop's relay are named by default; how long data is kept; how to ask for disclosure,
correction or deletion; the security measures; whom to contact), and Otokui writes a
Japanese policy with those items in the order the Personal Information Protection
Commission's guidance lists them. Each change the owner records is a new **version** with
its date (the policy says when it was established and last revised); older versions stay
readable, so "which version did this customer agree to" always has an answer.

The policy is written as HTML (a page of its own, for the relay's public front or the
shop's website) and as PDF (app/pdf.py, the Japanese font embedded).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Final

from app.errors import ValidationError
from app.i18n import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from app.book import Book

_CTX = "privacy"
_KEY: Final = "privacy.policy"

#: Purposes of use offered to choose from (key: the policy's sentence).
PURPOSES: Final[dict[str, str]] = {
    "service": "ご予約・ご注文・お問い合わせへの対応、商品やサービスの提供のため",
    "contact": "LINE、電話、メールでのご連絡（ご予約の確認、リマインド、お知らせ）のため",
    "marketing": "キャンペーン、クーポン、新しいサービスのご案内をお送りするため",
    "improvement": "アンケートの集計など、サービスの改善のため",
    "records": "来店・購入の履歴を管理し、ご要望に沿ったサービスを提供するため",
    "legal": "法令に基づく対応（帳簿の保存など）のため",
}
#: What may be collected (key: the policy's words).
COLLECTED: Final[dict[str, str]] = {
    "name": "氏名・ふりがな", "phone": "電話番号", "email": "メールアドレス",
    "address": "住所・郵便番号", "birthday": "生年月日",
    "line": "LINEの表示名・プロフィール画像・ユーザーID",
    "messages": "LINEでやりとりしたメッセージ・画像", "forms": "フォーム・アンケートへのご回答",
    "reservations": "ご予約の内容と来店の記録", "purchases": "ご購入・お支払いの記録",
    "photos": "施術・ご相談のためにお預かりした写真・書類",
}
DEFAULT_ENTRUSTED: Final = (
    ("LINEヤフー株式会社", "LINE公式アカウントでのメッセージの送受信"),
)
DEFAULT_SECURITY: Final = (
    "お客様の情報は当店のパソコンに暗号化して保存し、パスフレーズまたはOSの鍵保管庫で保護しています。",
    "LINEとの連携に使う中継サーバーには、読める形の個人情報を保存していません（届いた内容は当店のパソコンでのみ復号できる形で一時保管し、受け取り後に削除します）。",
    "個人情報を取り扱う者を限定し、取り扱いの記録（監査記録）を残しています。",
    "パソコンの紛失・盗難に備え、暗号化したバックアップを保管しています。",
)
_NEEDED = QT_TRANSLATE_NOOP(_CTX, "The privacy policy needs the shop's name, address, "
                                  "representative and contact, and at least one purpose of "
                                  "use.")
_NEEDED_ADVICE = QT_TRANSLATE_NOOP(_CTX, "Fill in what is missing and save again.")
_UNKNOWN = QT_TRANSLATE_NOOP(_CTX, "The privacy policy settings hold an item Otokui does not "
                                   "know.")
_UNKNOWN_ADVICE = QT_TRANSLATE_NOOP(_CTX, "Check the spelling of the item named; the "
                                          "privacy guide lists every item.")


_NO_THIRD_PARTIES = "法令に基づく場合を除き、ご本人の同意を得ずに個人情報を第三者に提供しません。"
_RETENTION = "利用目的に必要な期間保存し、不要となった個人情報は遅滞なく削除します。"


@dataclass(frozen=True)
class PolicySettings:
    business_name: str
    address: str
    representative: str
    contact: str
    purposes: list[str]
    other_purposes: str = ""
    collected: list[str] = field(default_factory=lambda: ["name", "phone", "line",
                                                          "messages"])
    third_parties: str = ""
    #: (name, what they do for the shop): LINE by default; add the relay's host.
    entrusted: list[list[str]] = field(
        default_factory=lambda: [list(e) for e in DEFAULT_ENTRUSTED])
    retention: str = ""
    request_procedure: str = ""
    security: list[str] = field(default_factory=lambda: list(DEFAULT_SECURITY))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PolicySettings:
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValidationError(unknown[0], message=_UNKNOWN, advice=_UNKNOWN_ADVICE)
        try:
            settings = cls(**data)
        except TypeError:
            raise ValidationError("missing", message=_NEEDED, advice=_NEEDED_ADVICE) from None
        settings.check()
        return settings

    def check(self) -> None:
        required = (self.business_name, self.address, self.representative, self.contact)
        if not all(isinstance(v, str) and v.strip() for v in required) or not (
                [p for p in self.purposes if p in PURPOSES] or self.other_purposes.strip()):
            raise ValidationError("required", message=_NEEDED, advice=_NEEDED_ADVICE)
        bad = [p for p in self.purposes if p not in PURPOSES] + \
              [c for c in self.collected if c not in COLLECTED]
        if bad:
            raise ValidationError(bad[0], message=_UNKNOWN, advice=_UNKNOWN_ADVICE)


@dataclass(frozen=True)
class PolicyVersion:
    version: int
    date: dt.date
    settings: PolicySettings


def versions(book: Book) -> list[PolicyVersion]:
    stored = book.settings.get(_KEY, [])
    out = []
    for v in stored if isinstance(stored, list) else []:
        out.append(PolicyVersion(int(v["version"]), dt.date.fromisoformat(v["date"]),
                                 PolicySettings(**v["settings"])))
    return out


def current(book: Book) -> PolicyVersion | None:
    found = versions(book)
    return found[-1] if found else None


def record(book: Book, settings: PolicySettings, *, today: dt.date | None = None
           ) -> PolicyVersion:
    """Record ``settings`` as a new version (unless they equal the current one's)."""
    from app.audit import AuditAction

    settings.check()
    found = versions(book)
    if found and found[-1].settings == settings:
        return found[-1]
    new = PolicyVersion(len(found) + 1, today or dt.date.today(), settings)
    stored = [{"version": v.version, "date": v.date.isoformat(), "settings": asdict(v.settings)}
              for v in [*found, new]]
    book.settings.set(_KEY, stored)
    book.audit.record(AuditAction.POLICY_VERSION, target="privacy_policy", count=new.version)
    return new


def sections(policy: PolicyVersion, established: dt.date) -> list[tuple[str, list[str]]]:
    """The policy as (heading, paragraphs), in the order of the PPC's guidance."""
    s = policy.settings
    purposes = [PURPOSES[p] for p in s.purposes if p in PURPOSES]
    if s.other_purposes.strip():
        purposes.append(s.other_purposes.strip())
    entrusted = [f"{name}（{what}）" for name, what in s.entrusted]
    return [
        ("1. 事業者の名称・住所・代表者",
         [f"名称：{s.business_name}", f"住所：{s.address}", f"代表者：{s.representative}"]),
        ("2. 取得する個人情報",
         ["当店は、次の個人情報を、LINE公式アカウント、フォーム、店頭でのお申し込みなど適正な方法で取得します。",
          *(f"・{COLLECTED[c]}" for c in s.collected)]),
        ("3. 利用目的",
         ["取得した個人情報は、次の目的の範囲内で利用します。", *(f"・{p}" for p in purposes)]),
        ("4. 第三者への提供",
         [s.third_parties.strip() or _NO_THIRD_PARTIES]),
        ("5. 業務の委託",
         ["利用目的の達成に必要な範囲で、個人情報の取り扱いの一部を次の事業者に委託し、適切に監督します。",
          *(f"・{e}" for e in entrusted)]),
        ("6. 安全管理のために講じた措置", [f"・{m}" for m in s.security]),
        ("7. 保存期間",
         [s.retention.strip() or _RETENTION]),
        ("8. 開示・訂正・削除などのご請求",
         [s.request_procedure.strip() or
          "ご本人から、保有個人データの利用目的の通知、開示、訂正・追加・削除、利用停止・消去、"
          "第三者提供の停止、第三者提供記録の開示のご請求があったときは、ご本人であることを確認のうえ、"
          "遅滞なく対応します。下記のお問い合わせ窓口までご連絡ください。"]),
        ("9. お問い合わせ窓口", [s.contact]),
        ("10. 改定",
         ["法令の改正やサービスの変更に応じて、このポリシーを改定することがあります。",
          f"制定日：{established.isoformat()}",
          f"最終改定日：{policy.date.isoformat()}（第{policy.version}版）"]),
    ]


def _established(book: Book, policy: PolicyVersion) -> dt.date:
    found = versions(book)
    return found[0].date if found else policy.date


def to_html(book: Book, policy: PolicyVersion) -> str:
    e = html.escape
    title = f"{policy.settings.business_name} プライバシーポリシー"
    body = []
    for heading, paragraphs in sections(policy, _established(book, policy)):
        body.append(f"<h2>{e(heading)}</h2>")
        body.extend(f"<p>{e(p)}</p>" for p in paragraphs)
    return ("<!doctype html><html lang='ja'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{e(title)}</title><style>body{{font-family:sans-serif;max-width:40em;"
            "margin:1em auto;padding:0 1em;line-height:1.7}h1{font-size:1.4em}"
            "h2{font-size:1.1em;margin-top:1.6em}</style></head><body>"
            f"<h1>{e(title)}</h1>{''.join(body)}</body></html>")


def to_pdf(book: Book, policy: PolicyVersion) -> bytes:
    from app.pdf import new_document, to_bytes

    title = f"{policy.settings.business_name} プライバシーポリシー"
    pdf = new_document(title=title, author=policy.settings.business_name)
    pdf.add_page()
    pdf.set_font_size(16)
    pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    for heading, paragraphs in sections(policy, _established(book, policy)):
        pdf.set_font_size(12)
        pdf.ln(3)
        pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font_size(10.5)
        for p in paragraphs:
            pdf.multi_cell(0, 6, p, new_x="LMARGIN", new_y="NEXT")
    return to_bytes(pdf)
