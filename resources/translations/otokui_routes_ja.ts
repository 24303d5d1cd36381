<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>RoutesDialog</name>
    <message>
        <source>Inflow routes</source>
        <translation>流入経路</translation>
    </message>
    <message>
        <source>Each route has its own URL and QR code. A friend who scans it passes the relay&apos;s page, which records the route, then adds the shop as a friend.</source>
        <translation>経路ごとにURLとQRコードがあります。読み取った方は中継サーバーのページを通り（ここで経路が記録されます）、お店を友だち追加します。</translation>
    </message>
    <message>
        <source>Route name</source>
        <translation>経路名</translation>
    </message>
    <message>
        <source>Tags added on arrival</source>
        <translation>流入時に付けるタグ</translation>
    </message>
    <message>
        <source>Arrivals this month</source>
        <translation>今月の流入数</translation>
    </message>
    <message>
        <source>Friends arrived this month</source>
        <translation>今月流入した友だち</translation>
    </message>
    <message>
        <source>Published to the relay</source>
        <translation>中継サーバーへの公開</translation>
    </message>
    <message>
        <source>Add a route…</source>
        <translation>経路を追加…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>名前を変更…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>削除…</translation>
    </message>
    <message>
        <source>Save the QR code…</source>
        <translation>QRコードを保存…</translation>
    </message>
    <message>
        <source>Copy the route&apos;s URL</source>
        <translation>経路のURLをコピー</translation>
    </message>
    <message>
        <source>Publish the routes</source>
        <translation>経路を公開</translation>
    </message>
    <message>
        <source>Published</source>
        <translation>公開中</translation>
    </message>
    <message>
        <source>Not published yet</source>
        <translation>未公開</translation>
    </message>
    <message>
        <source>Add a route</source>
        <translation>経路を追加</translation>
    </message>
    <message>
        <source>Route name (e.g. カウンターQR, Instagram, チラシ):</source>
        <translation>経路名（例: カウンターQR、Instagram、チラシ）:</translation>
    </message>
    <message>
        <source>Tags added on arrival, separated by commas (may be empty):</source>
        <translation>流入時に付けるタグ（カンマ区切り、空欄でも可）:</translation>
    </message>
    <message>
        <source>Rename the route</source>
        <translation>流入経路の名前を変更</translation>
    </message>
    <message>
        <source>New name (the URL and the QR code stay the same):</source>
        <translation>新しい名前（URLとQRコードは変わりません）：</translation>
    </message>
    <message>
        <source>Delete the route</source>
        <translation>流入経路の削除</translation>
    </message>
    <message>
        <source>Delete the route 「%1」? Its %2 recorded arrival(s) and which customers first came by it are deleted with it (their tags stay). Its printed QR code will no longer be counted.</source>
        <translation>流入経路「%1」を削除しますか？記録された%2件の流入と、この経路で最初に来たお客様の記録も一緒に削除されます（付いたタグは残ります）。印刷したQRコードは数えられなくなります。</translation>
    </message>
    <message>
        <source>The route 「%1」 was deleted.</source>
        <translation>流入経路「%1」を削除しました。</translation>
    </message>
    <message>
        <source>Save the QR code</source>
        <translation>QRコードを保存</translation>
    </message>
    <message>
        <source>QR code saved.</source>
        <translation>QRコードを保存しました。</translation>
    </message>
    <message>
        <source>The route&apos;s URL was copied.</source>
        <translation>経路のURLをコピーしました。</translation>
    </message>
    <message>
        <source>Routes published to the relay: %1.</source>
        <translation>中継サーバーに経路を公開しました: %1件。</translation>
    </message>
    <message>
        <source>Publishing the routes…</source>
        <translation>経路を公開しています…</translation>
    </message>
</context>
<context>
    <name>RoutesIntegration</name>
    <message>
        <source>Inflow routes (QR codes)…</source>
        <translation>流入経路（QRコード）…</translation>
    </message>
</context>
<context>
    <name>routes</name>
    <message>
        <source>There is no such inflow route in this book.</source>
        <translation>この台帳にその流入経路はありません。</translation>
    </message>
    <message>
        <source>Check the route&apos;s number (python main.py route list shows them).</source>
        <translation>流入経路の番号を確かめてください（`python main.py route list` で一覧できます）。</translation>
    </message>
    <message>
        <source>An inflow route needs a name of 1 to 100 characters that no other route has.</source>
        <translation>流入経路には、ほかの経路と重ならない1〜100文字の名前が必要です。</translation>
    </message>
    <message>
        <source>Choose another name. Nothing was saved.</source>
        <translation>別の名前にしてください。何も保存されていません。</translation>
    </message>
    <message>
        <source>Inflow routes need the shop&apos;s relay, and this book is not connected to one.</source>
        <translation>流入経路にはお店の中継サーバーが必要ですが、この台帳はまだつながっていません。</translation>
    </message>
    <message>
        <source>Connect to LINE first (Settings → LINE); a route&apos;s URL is an address on the relay.</source>
        <translation>先にLINEと接続してください（設定 →「LINE」）。流入経路のURLは中継サーバー上のアドレスです。</translation>
    </message>
    <message>
        <source>The add-friend URL must be an https:// address of at most 500 characters.</source>
        <translation>友だち追加URLは、https:// で始まる500文字までのアドレスにしてください。</translation>
    </message>
    <message>
        <source>Copy it from LINE Official Account Manager (友だち追加 → URL), e.g. https://lin.ee/….</source>
        <translation>LINE Official Account Manager の「友だち追加」→「URL」からコピーしてください（例: https://lin.ee/…）。</translation>
    </message>
    <message>
        <source>The relay did not take the inflow routes.</source>
        <translation>中継サーバーが流入経路を受け付けませんでした。</translation>
    </message>
    <message>
        <source>Update the relay to this version of Otokui, then publish again.</source>
        <translation>中継サーバーをこのバージョンのOtokuiに更新してから、もう一度公開してください。</translation>
    </message>
</context>
</TS>
