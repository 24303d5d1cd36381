<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
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
