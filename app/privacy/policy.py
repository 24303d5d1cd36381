"""The privacy policy generator: the shop's settings → a Japanese policy (APPI's items).

The items the Act on the Protection of Personal Information requires a business to make
known (利用目的 art. 21; 保有個人データに関する事項 art. 32: name, address, representative,
purposes, request procedure, security measures, where to complain; 第三者提供 art. 27;
委託先の監督 art. 25; 外国にある第三者 art. 28) each become one section. The document is
plain data (title, dates, sections of paragraphs): the relay renders it with its own
templates, and HTML/PDF exports are made from the same data, so every copy says the same.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from typing import Any

#: Purposes of use the owner ticks (key → the sentence in the policy).
PURPOSES: dict[str, str] = {
    "contact": "ご予約・ご注文・お問い合わせへの連絡と対応のため",
    "service": "商品・サービスのご提供、ご来店時の対応のため",
    "booking": "ご予約の管理とご予約日のお知らせのため",
    "news": "新商品・キャンペーン・お店からのお知らせをLINEでお送りするため",
    "points": "ポイント・会員特典の管理のため",
    "improvement": "アンケートへのご回答を商品・サービスの改善に役立てるため",
    "legal": "法令に基づく対応（帳簿の保存など）のため",
}

#: What the book may hold (key → the phrase in the policy).
COLLECTED: dict[str, str] = {
    "name": "お名前・フリガナ",
    "contact": "電話番号・メールアドレス・ご住所",
    "line": "LINEの表示名・プロフィール画像・LINEのユーザー識別子",
    "messages": "LINEでのメッセージのやり取り（写真・ファイルを含む）",
    "forms": "フォーム（問診票・アンケートなど）へのご回答",
    "history": "ご来店・ご予約・ご購入の履歴、ポイント",
    "birthday": "お誕生日などお客様が任意で教えてくださった情報",
}

DEFAULT_SECURITY = [
    "お客様の情報は、お店のパソコンの中で暗号化した台帳に保存し、鍵はパソコンの鍵保管庫またはパスフレーズで守っています。",
    "LINEとのやり取りを中継するサーバーには、お店のパソコンだけが開ける形に暗号化した状態で一時的に預け、受け取った後は削除します。",
    "台帳を扱える者を限定し、情報の書き出し・削除などの操作は記録しています。",
    "バックアップは暗号化したまま保存しています。",
]


@dataclass
class PolicySettings:
    """What the owner fills in (Settings → プライバシー, or a JSON file for scripts)."""

    business_name: str = ""
    address: str = ""
    representative: str = ""
    contact: str = ""  # phone / e-mail / hours, as the shop wants it printed
    purposes: list[str] = field(default_factory=lambda: ["contact", "service", "news"])
    purposes_extra: str = ""  # free text, one purpose per line
    collected: list[str] = field(default_factory=lambda: ["name", "contact", "line",
                                                           "messages", "forms", "history"])
    collected_extra: str = ""
    third_parties: str = ""  # 第三者提供 besides the law's exceptions; empty: none
    #: Entrusted parties (委託先) besides LINE and the relay's host, one per line.
    entrusted_extra: str = ""
    relay_host: str = ""  # who runs the relay server (a company name, or the shop itself)
    retention: str = "最後のご利用から5年間保存し、その後は削除します。"
    request_procedure: str = ""  # empty: the standard text
    security_extra: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> PolicySettings:
        known = {f for f in cls.__dataclass_fields__}
        out = cls(**{k: v for k, v in (data or {}).items() if k in known})
        out.purposes = [p for p in out.purposes if p in PURPOSES]
        out.collected = [c for c in out.collected if c in COLLECTED]
        return out

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def missing(self) -> list[str]:
        """The fields APPI needs that are still empty (their keys)."""
        need = ("business_name", "address", "representative", "contact")
        out = [k for k in need if not str(getattr(self, k)).strip()]
        if not self.purposes and not self.purposes_extra.strip():
            out.append("purposes")
        return out


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str]


@dataclass(frozen=True)
class PolicyDocument:
    title: str
    business_name: str
    version: int
    effective_date: str  # YYYY-MM-DD
    sections: list[Section]

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "business_name": self.business_name,
                "version": self.version, "effective_date": self.effective_date,
                "sections": [{"heading": s.heading, "paragraphs": list(s.paragraphs)}
                             for s in self.sections]}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _bullets(items: list[str]) -> list[str]:
    return [f"・{i}" for i in items]


def generate(settings: PolicySettings, *, version: int, effective_date: str
             ) -> PolicyDocument:
    s = settings
    name = s.business_name.strip() or "当店"
    purposes = [PURPOSES[p] for p in s.purposes] + _lines(s.purposes_extra)
    collected = [COLLECTED[c] for c in s.collected] + _lines(s.collected_extra)
    relay = s.relay_host.strip() or "当店が契約するサーバー事業者"
    entrusted = [
        "LINEヤフー株式会社（LINE公式アカウントの提供元。LINEでのやり取りはLINEヤフー株式会社の"
        "サービスを通じて行われ、同社のプライバシーポリシーに従って取り扱われます）",
        f"{relay}（LINEからのメッセージやフォームのご回答を当店のパソコンへ中継するサーバーの運営。"
        "中継の内容は暗号化されており、運営者は読むことができません）",
        *_lines(s.entrusted_extra)]
    third = _lines(s.third_parties)
    procedure = _lines(s.request_procedure) or [
        "ご本人またはその代理人から、保有個人データの利用目的の通知、開示（第三者提供記録を含む）、"
        "訂正・追加・削除、利用の停止・消去、第三者提供の停止のご請求があったときは、ご本人であることを"
        "確認したうえで、遅滞なく対応します。",
        f"ご請求は下記のお問い合わせ窓口（{s.contact.strip() or '当店'}）までご連絡ください。"
        "開示は原則として電子データ（ファイル）でお渡しします。手数料はいただきません。"]
    sections = [
        Section("1. 事業者の名称・住所・代表者", [
            f"名称：{name}", f"住所：{s.address.strip()}",
            f"代表者：{s.representative.strip()}"]),
        Section("2. 取得する個人情報", [
            f"{name}は、次の個人情報を適正な手段により取得します。", *_bullets(collected)]),
        Section("3. 利用目的", [
            "取得した個人情報は、次の目的の範囲内で利用し、それ以外には利用しません。",
            *_bullets(purposes)]),
        Section("4. 第三者への提供", (
            [f"{name}は、次の場合に個人情報を第三者へ提供します。", *_bullets(third)]
            if third else [])
            + ["法令に基づく場合などを除き、ご本人の同意なく個人情報を第三者へ提供しません。"]),
        Section("5. 取り扱いの委託", [
            "利用目的の達成に必要な範囲で、個人情報の取り扱いを次の事業者に委託しています。"
            "委託先は適切に選び、必要かつ適切な監督を行います。", *_bullets(entrusted)]),
        Section("6. 保存期間", _lines(s.retention) or ["利用目的に必要な期間だけ保存します。"]),
        Section("7. 安全管理のために講じた措置", [
            *_bullets(DEFAULT_SECURITY + _lines(s.security_extra))]),
        Section("8. 開示等のご請求の手続き", procedure),
        Section("9. お問い合わせ・苦情の窓口", [
            f"{name}　{s.contact.strip()}",
            "個人情報の取り扱いに関するご質問・苦情は、こちらまでご連絡ください。"]),
        Section("10. 改定", [
            "このプライバシーポリシーは、法令の改正や取り扱いの変更に応じて改定することがあります。"
            "改定したときは、このページでお知らせします。",
            f"第{version}版　{effective_date}施行"]),
    ]
    return PolicyDocument("プライバシーポリシー", name, version, effective_date, sections)


def to_html(doc: PolicyDocument) -> str:
    """A standalone HTML file (the owner's export; the relay renders its own page)."""
    e = html.escape
    parts = ["<!doctype html>", '<html lang="ja"><head><meta charset="utf-8">',
             f"<title>{e(doc.title)}｜{e(doc.business_name)}</title>",
             "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;"
             "padding:0 1em;line-height:1.7}h2{font-size:1.1em;margin-top:1.6em}</style>",
             "</head><body>", f"<h1>{e(doc.title)}</h1>",
             f"<p>{e(doc.business_name)}（第{doc.version}版・{e(doc.effective_date)}施行）</p>"]
    for sec in doc.sections:
        parts.append(f"<h2>{e(sec.heading)}</h2>")
        parts.extend(f"<p>{e(p)}</p>" for p in sec.paragraphs)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def to_pdf(doc: PolicyDocument) -> bytes:
    from app.pdf import new_document, to_bytes

    pdf = new_document(title=doc.title, author=doc.business_name)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font_size(16)
    pdf.multi_cell(width, 9, doc.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(10.5)
    pdf.multi_cell(width, 6, f"{doc.business_name}（第{doc.version}版・{doc.effective_date}施行）",
                   new_x="LMARGIN", new_y="NEXT")
    for sec in doc.sections:
        pdf.ln(3)
        pdf.set_font_size(12)
        pdf.multi_cell(width, 7, sec.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font_size(10.5)
        for p in sec.paragraphs:
            pdf.multi_cell(width, 6, p, new_x="LMARGIN", new_y="NEXT")
    return to_bytes(pdf)
