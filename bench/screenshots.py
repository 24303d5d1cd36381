"""Screenshots for the docs, taken on a virtual screen with Japanese fonts.

Run from the repository root (needs Debian's xvfb, fonts-noto-cjk and, for the emoji
LINE names are full of, fonts-noto-color-emoji)::

    .venv/bin/python -m bench.screenshots          # re-runs itself under xvfb-run

Writes ``docs/screenshots/main-window.png`` (the window on the 100,000-customer book from
``bench.book.build_book``), ``docs/screenshots/detail-pane.png`` (a customer with a PDF
contract and a photo attached, in a small book made here with made-up people) and
``docs/screenshots/import-wizard.png`` (engineer B's import wizard showing the rows its
dry run refused), ``docs/screenshots/demo.png`` (the live demo, ``python main.py --demo``,
about ten seconds after it opened: LINE friends arriving, the sync's status in the status
bar) and ``docs/screenshots/line-settings.png`` (Settings → LINE on the demo's book), in
Japanese, the default language.

``docs/screenshots/inbox.png`` is the chat inbox on made-up conversations (text, a sticker, a
photo and replies). ``docs/screenshots/segment-builder.png`` is the segment builder with
three conditions and its live count on a made-up book of 240 customers.
``docs/screenshots/broadcast-composer.png`` is the broadcast composer on the demo's book (two
bubbles to the demo's saved segment 常連・VIP, the preview as one of them reads it,
recipients, cost and the month's quota). The demo's book has a salon's tags and saved
segments (app/demo.py), so demo.png shows them in the sidebar. Only
some of them: ``python -m bench.screenshots demo`` (names: main, detail, import, demo,
inbox, segment-builder, broadcast-composer).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from bench.shots import settle, under_xvfb

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SIZE = (1440, 880)


def _photo(path: Path) -> Path:
    """A made-up "photo": a calm gradient with a few shapes, saved as JPEG."""
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter, QRadialGradient

    image = QImage(640, 480, QImage.Format.Format_RGB32)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    sky = QLinearGradient(0, 0, 0, 480)
    sky.setColorAt(0, QColor("#BFE3F5"))
    sky.setColorAt(1, QColor("#FDF2E4"))
    p.fillRect(image.rect(), sky)
    sun = QRadialGradient(QPointF(470, 130), 90)
    sun.setColorAt(0, QColor("#FFE6A6"))
    sun.setColorAt(1, QColor(255, 230, 166, 0))
    p.setBrush(sun)
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(QPointF(470, 130), 90, 90)
    p.setBrush(QColor("#7FB77E"))
    p.drawEllipse(QRectF(-120, 330, 520, 300))
    p.setBrush(QColor("#5E9F6A"))
    p.drawEllipse(QRectF(260, 360, 520, 280))
    p.setBrush(QColor("#F4B6C2"))
    for x, y in ((120, 300), (170, 280), (215, 310), (380, 330), (430, 315)):
        p.drawEllipse(QPointF(x, y), 22, 22)
    p.end()
    image.save(str(path), "JPEG", 85)
    return path


def _contract(path: Path) -> Path:
    """A one-page PDF contract drawn with Qt's own PDF writer (fonts embedded)."""
    from PySide6.QtCore import QMarginsF, QRectF, Qt
    from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter

    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait, QMarginsF(20, 20, 20, 20),
                                     QPageLayout.Unit.Millimeter))
    p = QPainter(writer)
    font = QFont("Noto Sans CJK JP", 18)
    p.setFont(font)
    w = writer.width()
    p.drawText(QRectF(0, 0, w, 600), Qt.AlignmentFlag.AlignHCenter, "回数券ご利用契約書")
    font.setPointSize(10)
    p.setFont(font)
    body = ("契約者: 山本 さくら 様\n契約日: 2026年4月1日\n内容: カット回数券 10回分\n"
            "有効期限: 2027年3月31日\n\n上記の内容で契約いたします。\n\nヘアサロン こもれび")
    p.drawText(QRectF(0, 900, w, 4000), Qt.AlignmentFlag.AlignLeft, body)
    p.end()
    return path


def _small_book(root: Path):
    """A book with a few made-up customers, one with a contract and a photo attached."""
    import datetime as dt

    from app.profile import Profile

    profile = Profile(root / "profile")
    book = profile.create(passphrase="screenshot passphrase")  # noqa: S106 - made-up book
    c = book.customers
    people = [
        ("山本 さくら", "ヤマモト サクラ", "さくら🌸", "090-3141-5926", "sakura@example.jp"),
        ("伊藤 健太", "イトウ ケンタ", "けんた", "080-2718-2818", ""),
        ("小林 美咲", "コバヤシ ミサキ", "みさき", "070-1618-0339", "misaki@example.jp"),
        ("中村 大輔", "ナカムラ ダイスケ", "", "03-5555-0123", ""),
        ("加藤 由美", "カトウ ユミ", "ゆみ", "090-1414-2135", ""),
    ]
    ids = []
    for i, (name, kana, line, phone, email) in enumerate(people):
        ids.append(c.create(name=name, furigana=kana, display_name=line, phone=phone,
                            email=email, line_user_id=f"U{i + 1:032x}" if line else None,
                            followed_at=dt.datetime(2025, 4 + i, 3 + i, 10, 30)
                            if line else None))
    folder = book.tags.create_folder("来店")
    vip = book.tags.create("VIP", folder_id=folder, color="#EA4335")
    regular = book.tags.create("常連", folder_id=folder, color="#34A853")
    ticket = book.tags.create("回数券", color="#A142F4")
    book.tags.add(ids[:3], [regular])
    book.tags.add([ids[0]], [vip, ticket])
    visits = book.fields.create("来店回数", "number", show_in_list=True)
    staff = book.fields.create("担当スタッフ", "single_choice",
                               choices=["佐藤", "鈴木", "高橋"], show_in_list=True)
    menu = book.fields.create("よく頼むメニュー", "multi_choice",
                              choices=["カット", "カラー", "パーマ", "ヘッドスパ"])
    points = book.fields.create("ポイント", "points")
    book.fields.set_value(ids[0], visits, 14)
    book.fields.set_value(ids[0], staff, "鈴木")
    book.fields.set_value(ids[0], menu, ["カット", "ヘッドスパ"])
    book.fields.add_points(ids[0], points, 320, "来店")
    c.update(ids[0], birthday=dt.date(1992, 3, 14), postal_code="1500001",
             address="東京都渋谷区神宮前1-2-3", memo="前髪は眉の上で。炭酸スパが好き。")
    book.attachments.add(ids[0], _contract(root / "回数券契約書.pdf"), kind="contract",
                         date_label="契約日", labelled_date=dt.date(2026, 4, 1))
    book.attachments.add(ids[0], _photo(root / "仕上がり.jpg"), kind="photo",
                         date_label="撮影日", labelled_date=dt.date(2026, 4, 1))
    return profile, book, ids[0]


def _chat(book, root: Path) -> int:
    """Made-up conversations for the inbox shot; the id of the one to open."""
    import datetime as dt

    from sqlalchemy import text

    from app.messages import recompute_summary
    from app.store.models import Message

    with book.db.read() as s:
        ids = list(s.connection().execute(text("SELECT id FROM customer ORDER BY id"))
                   .scalars())
    now = dt.datetime.now().replace(microsecond=0)
    yesterday = (now - dt.timedelta(days=1)).replace(hour=19, minute=0, second=0)
    photo = book.attachments.add(ids[0], _photo(root / "LINE_image.jpg"), kind="photo")

    def ms(when: dt.datetime) -> int:
        return int(when.timestamp() * 1000)

    chats = {
        ids[0]: [
            dict(direction="in", type="text", text="こんにちは！来週の土曜日、カットの予約は"
                 "できますか？", at_ms=ms(yesterday.replace(minute=12))),
            dict(direction="out", type="text", state="sent", text="山本様、いつもありがとう"
                 "ございます。土曜日は14時と16時が空いております。",
                 at_ms=ms(yesterday.replace(minute=20))),
            dict(direction="in", type="sticker", payload={"packageId": "446",
                 "stickerId": "1989", "keywords": ["ありがとう", "感謝"]},
                 at_ms=ms(yesterday.replace(minute=22))),
            dict(direction="in", type="text", text="では14時でお願いします。前回の仕上がりが"
                 "とても気に入ったので、同じ感じで🙏",
                 at_ms=ms(now - dt.timedelta(minutes=4))),
            dict(direction="out", type="text", state="sent", text="承知しました！土曜日14時で"
                 "ご予約をお取りしました。", at_ms=ms(now - dt.timedelta(minutes=2))),
            # She has just sent a photo: its reply token makes the next reply free.
            dict(direction="in", type="image", attachment_id=photo, content_state="stored",
                 at_ms=ms(now - dt.timedelta(seconds=15)),
                 reply_token="screenshot-token",  # noqa: S106 - a made-up token
                 reply_token_received_ms=ms(now - dt.timedelta(seconds=12))),
        ],
        ids[1]: [dict(direction="in", type="text", text="駐車場はありますか？",
                      at_ms=ms(now - dt.timedelta(minutes=25)))],
        ids[2]: [dict(direction="in", type="text", text="明日17時に変更できますか",
                      at_ms=ms(now - dt.timedelta(hours=2, minutes=3))),
                 dict(direction="in", type="text", text="難しければ18時でも大丈夫です",
                      at_ms=ms(now - dt.timedelta(hours=2)))],
        ids[4]: [dict(direction="in", type="text", text="ありがとうございました！",
                      at_ms=ms(now - dt.timedelta(days=3)))],
    }
    with book.db.write() as s:
        for cid, rows in chats.items():
            for row in rows:
                s.add(Message(customer_id=cid, **{"payload": {}, **row}))
            s.flush()
            recompute_summary(s, cid)
    # Her tags were given long ago, VIP last night after the booking: one tag line.
    with book.db.write() as s:
        s.execute(text("UPDATE customer_tag SET added_at = '2025-06-01 01:00:00' "
                       "WHERE customer_id = :c"), {"c": ids[0]})
        s.execute(text("UPDATE customer_tag SET added_at = :at WHERE customer_id = :c "
                       "AND tag_id = (SELECT id FROM tag WHERE name = 'VIP')"),
                  {"c": ids[0], "at": (yesterday.replace(minute=30).astimezone(dt.UTC)
                                       .strftime("%Y-%m-%d %H:%M:%S"))})
    book.messages.mark_read(ids[4])
    book.messages.set_status(ids[0], "in_progress")
    book.messages.set_status(ids[4], "done")
    return ids[0]


def _save(widget, name: str, note: str = "") -> Path:
    path = OUT / name
    widget.grab().save(str(path), "PNG")
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB{note}")
    return path


def demo_shots(app, settings) -> None:
    """The live demo as a newcomer sees it, then its Settings → LINE tab."""
    from ui.app import open_demo_window
    from ui.dialogs.settings_dialog import SettingsDialog

    # seed: the same friends and messages every run, so retaken screenshots stay comparable
    window = open_demo_window(settings, seed=11)
    if window is None:
        raise SystemExit("the demo did not start")
    window.resize(*SIZE)
    window.show()
    settle(app, 10_000)  # what a newcomer sees ten seconds in
    content = window.content
    model = content.model
    book = window.book
    if model.rowCount():
        content.view.selectRow(0)  # a customer's details on the right
    settle(app, 600)
    _save(window, "demo.png", f" ({model.rowCount()} customers, "
                              f"status “{window.sync_label.text()}”)")

    dialog = SettingsDialog(book, window.settings, window)
    dialog.tabs.setCurrentWidget(dialog.line_tab)
    dialog.show()
    for _ in range(100):
        settle(app, 100)
        if not dialog.line_tab.loading:
            break
    settle(app, 200)
    _save(dialog, "line-settings.png")
    dialog.reject()
    window.close()
    settle(app, 100)


def segment_shots(app, settings, root: Path) -> None:
    """The segment builder on a demo-like book: three conditions (one an OR group), the
    live count with the blocked customers apart, and who matches."""
    import datetime as dt
    import random

    from PySide6.QtCore import QDate, Qt

    from app.demo_names import GIVEN, PREFECTURES, SURNAMES, TOWNS
    from app.profile import Profile
    from ui.main_window import MainWindow
    from ui.segments.builder import SegmentBuilderDialog
    from ui.segments.picker import VALUE_ROLE

    rng = random.Random(6)  # the same made-up people every run
    book = Profile(root / "profile").create(passphrase="screenshot passphrase")  # noqa: S106
    folder = book.tags.create_folder("来店")
    vip = book.tags.create("VIP", folder_id=folder, color="#EA4335")
    regular = book.tags.create("常連", folder_id=folder, color="#34A853")
    book.tags.create("新規", color="#4C8BF5")
    visits = book.fields.create("来店回数", "number", show_in_list=True)
    ids = []
    for i in range(240):
        (sur, sur_kana), (given, given_kana) = rng.choice(SURNAMES), rng.choice(GIVEN)
        line = rng.random() < 0.8
        cid = book.customers.create(
            name=f"{sur} {given}", furigana=f"{sur_kana} {given_kana}",
            line_user_id=f"U{i + 1:032x}" if line else None,
            followed_at=dt.datetime(2024, 1, 1) + dt.timedelta(days=rng.randrange(1000))
            if line else None,
            blocked_at=dt.datetime(2026, 5, 1) if line and rng.random() < 0.06 else None)
        book.customers.update(cid, address=f"{rng.choice(PREFECTURES)}{rng.choice(TOWNS)}1-2",
                              birthday=dt.date(1960 + rng.randrange(45), rng.randrange(1, 13),
                                               rng.randrange(1, 29)))
        book.fields.set_value(cid, visits, rng.randrange(0, 30))
        ids.append(cid)
    book.tags.add([c for c in ids if rng.random() < 0.35], [regular])
    book.tags.add([c for c in ids if rng.random() < 0.15], [vip])

    window = MainWindow(book, settings)
    window.resize(*SIZE)
    window.show()
    settle(app)
    dialog = SegmentBuilderDialog(book, None, window)
    dialog.show()
    dialog.name.setText("常連・VIPの東京と神奈川の方")
    first = dialog.root.items()[0]
    for row in range(first.editor.tags.list.count()):
        item = first.editor.tags.list.item(row)
        if item.data(VALUE_ROLE) in (vip, regular):
            item.setCheckState(Qt.CheckState.Checked)
    number = dialog.root.add_condition(kind=f"field:{visits}")
    number.editor.op.setCurrentIndex(number.editor.op.findData("gte"))
    number.editor.number1.setText("5")
    group = dialog.root.add_group()
    place = group.items()[0]
    place.set_kind("prefecture")
    for row in range(place.editor.prefectures.list.count()):
        item = place.editor.prefectures.list.item(row)
        if item.data(VALUE_ROLE) in ("東京都", "神奈川県"):
            item.setCheckState(Qt.CheckState.Checked)
    since = group.add_condition(kind="followed")
    since.editor.op.setCurrentIndex(since.editor.op.findData("after"))
    since.editor.date.setDate(QDate(2026, 1, 1))
    for _ in range(50):
        settle(app, 100)
        if not dialog.counter.busy:
            break
    settle(app, 200)
    _save(dialog, "segment-builder.png", f" ({dialog.count_label.text()})")
    dialog.reject()
    window.close()
    settle(app, 100)


def broadcast_shots(app, settings) -> None:
    """The broadcast composer on the demo's book: two bubbles (the first with the
    customer's name) to the demo's saved segment 常連・VIP, the preview as one of them reads
    it, and the recipients, cost and what remains of the month (the demo's LINE given a
    monthly limit for the shot)."""
    from app.demo import REGULARS_SEGMENT
    from ui.app import open_demo_window
    from ui.broadcast.recipients import SEGMENT

    window = open_demo_window(settings, seed=11)
    if window is None:
        raise SystemExit("the demo did not start")
    window.resize(*SIZE)
    window.show()
    settle(app, 4000)  # the demo's friends are in the book
    window.demo_session.emulator.set_quota(type="limited", value=1000, total_usage=236)
    segment = window.book.segments.by_name(REGULARS_SEGMENT)
    composer = window.broadcasts.new_broadcast(SEGMENT, segment.id)
    if not (composer.recipients_box.rb_segment.isChecked()
            and composer.recipients_box.segment_combo.currentData() == segment.id):
        raise SystemExit("the composer did not take the saved segment")
    composer.resize(1180, 740)
    composer.name_edit.setText("冬のセール")
    composer.message.set_text("{名前}様、いつもありがとうございます！\n12月1日〜10日は冬のセール。"
                      "全メニュー10%オフです。")
    composer.message.add_bubble("ご予約はこのトークからどうぞ。お待ちしております🌸")
    composer.replan()
    for _ in range(100):
        settle(app, 100)
        if composer.plan_is_current():
            break
    if composer.preview.recipient.count() > 2:
        composer.preview.recipient.setCurrentIndex(2)
    settle(app, 300)
    _save(composer, "broadcast-composer.png", f" ({composer.plan_box.summary.text()})")
    composer.close()
    window.close()
    settle(app, 100)


def main() -> int:
    code = under_xvfb("bench.screenshots", "1600x1500x24")
    if code is not None:
        return code
    wanted = set(sys.argv[1:]) or {"main", "detail", "import", "demo", "inbox",
                                   "segment-builder", "broadcast-composer"}
    import keyring
    from PySide6.QtCore import QSettings

    from bench.book import OUT as BOOKS
    from bench.book import PASSPHRASE, build_book
    from tests.support.keyrings import MemoryKeyring
    from ui import i18n
    from ui.app import choose_font, create_application
    from ui.main_window import MainWindow
    from ui.resources import style_sheet
    from ui.settings import Settings

    keyring.set_keyring(MemoryKeyring())  # never the real password store for made-up books
    app = create_application([sys.argv[0]])
    i18n.compile_if_stale()
    i18n.install_translators(app, "ja")
    app.setStyleSheet(style_sheet())
    family = choose_font(app)
    if family is None:
        print("warning: no Japanese font found (apt-get install fonts-noto-cjk)")
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="otokui-shots-"))
    settings = Settings(QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat))

    if "demo" in wanted:
        demo_shots(app, settings)

    if "main" in wanted:
        # 1. The main window on the 100,000-customer book.
        big = build_book(BOOKS / "book-100000", 100_000, attachments=False).open(PASSPHRASE)
        window = MainWindow(big, settings)
        window.resize(*SIZE)
        window.show()
        settle(app)
        content = window.content
        content.view.selectRow(3)
        settle(app)
        path = OUT / "main-window.png"
        window.grab().save(str(path), "PNG")
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
        window.close()
        settle(app, 100)

    if wanted & {"detail", "import"}:
        # 2. The detail pane of a customer with a PDF contract and a photo.
        _profile, book, cid = _small_book(work)
        window = MainWindow(book, settings)
        window.resize(SIZE[0], 1420)  # tall enough for the whole pane, header to attachments
        window.show()
        settle(app)
        window.select_customer(cid)
        settle(app, 800)  # thumbnails are decrypted in the background
        pane = window.content.detail
        pane.attachments.setCurrentRow(0)
        settle(app, 300)
        path = OUT / "detail-pane.png"
        pane.grab().save(str(path), "PNG")
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
        # 3. The import wizard after its dry run found bad rows (nothing imported).
        from ui.dialogs.import_wizard import ImportWizard

        csv_path = work / "顧客リスト.csv"
        csv_path.write_bytes((
            "氏名,ふりがな,電話番号,メールアドレス,誕生日,タグ\r\n"
            "吉田 花子,よしだ はなこ,090-1111-2222,hanako@example.jp,1990/05/17,常連\r\n"
            "松本 翔,まつもと しょう,12,sho@example.jp,1988/11/03,新規\r\n"
            "井上 真央,いのうえ まお,080-3333-4444,mao-at-example.jp,1995/02/30,VIP\r\n"
            "木村 拓也,きむら たくや,070-5555-6666,,2001/07/07,常連;VIP\r\n"
        ).encode("cp932"))
        wizard = ImportWizard(book, window)
        wizard.show()
        wizard.set_path(csv_path)
        settle(app, 200)
        wizard.next()
        settle(app, 800)  # the preview is read in the background, then the wizard moves on
        wizard.next()
        settle(app, 1500)  # the dry run
        for _ in range(50):
            if not wizard.busy:
                break
            settle(app, 100)
        settle(app, 200)
        path = OUT / "import-wizard.png"
        wizard.grab().save(str(path), "PNG")
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB "
              f"(page {wizard.currentId() + 1} of 4)")
        wizard.reject()
        window.close()
        settle(app, 100)
    if "inbox" in wanted:
        # 4. The chat inbox: a conversation with text, a sticker, a photo and replies.
        (work / "inbox").mkdir()
        _profile, book, _cid = _small_book(work / "inbox")
        cid = _chat(book, work / "inbox")
        window = MainWindow(book, settings)
        window.resize(*SIZE)
        window.show()
        window.inbox.set_mode("inbox")
        settle(app)
        window.inbox.page.list.select(cid)
        window.inbox.page.composer.message.set_text("素敵な写真をありがとうございます！"
                                            "当日お待ちしております。")
        settle(app, 1200)  # the photo's thumbnail is decrypted in the background
        _save(window, "inbox.png")
        window.inbox.set_mode("customers")
        window.close()
        settle(app, 100)
    if "segment-builder" in wanted:
        (work / "segments").mkdir()
        segment_shots(app, settings, work / "segments")
    if "broadcast-composer" in wanted:
        broadcast_shots(app, settings)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
