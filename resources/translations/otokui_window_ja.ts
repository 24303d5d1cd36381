<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>App</name>
    <message>
        <source>Preparing the demo… (a shop with %1 LINE friends, on this computer only)</source>
        <extracomment>Readable Japanese fonts, best first; the platform default is kept when none is present.</extracomment>
        <translation>デモを準備しています…(LINEの友だち%1人のお店を、このパソコンの中だけで動かします)</translation>
    </message>
    <message>
        <source>The demo is not available in this version yet. Otokui opens your own customer book instead.</source>
        <translation>このバージョンではまだデモをお試しいただけません。代わりにお客様ご自身の顧客台帳を開きます。</translation>
    </message>
</context>
<context>
    <name>AttachDialog</name>
    <message>
        <source>Attachment details</source>
        <extracomment>Above this many bytes in total, encryption shows a progress dialog with cancel.</extracomment>
        <translation>添付ファイルの情報</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>ファイルを添付</translation>
    </message>
    <message>
        <source>Attach to: %1</source>
        <translation>添付先: %1 様</translation>
    </message>
    <message>
        <source>Attach files to %1</source>
        <translation>%1 様にファイルを添付</translation>
    </message>
    <message>
        <source>…and %1 more</source>
        <translation>…ほか %1 件</translation>
    </message>
    <message>
        <source>Each file as chosen below</source>
        <translation>ファイルごとに下で選ぶ</translation>
    </message>
    <message>
        <source>Contract date</source>
        <translation>契約日</translation>
    </message>
    <message>
        <source>Reservation date</source>
        <translation>予約日</translation>
    </message>
    <message>
        <source>Date taken</source>
        <translation>撮影日</translation>
    </message>
    <message>
        <source>Date checked</source>
        <translation>確認日</translation>
    </message>
    <message>
        <source>Visit date</source>
        <translation>来店日</translation>
    </message>
    <message>
        <source>Add a date</source>
        <translation>日付を付ける</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>種類:</translation>
    </message>
    <message>
        <source>Date:</source>
        <translation>日付:</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Attach</source>
        <translation>添付する</translation>
    </message>
    <message>
        <source>Encrypting and attaching…</source>
        <translation>暗号化して添付しています…</translation>
    </message>
</context>
<context>
    <name>BackgroundOp</name>
    <message>
        <source>Cancel</source>
        <extracomment>(ok, result or exception), emitted once, from the worker thread (queued to main). Emitted on the main thread after the success or failure handlers ran.</extracomment>
        <translation>キャンセル</translation>
    </message>
</context>
<context>
    <name>BubblesEditor</name>
    <message>
        <source>+ Bubble</source>
        <translation>＋ 吹き出し</translation>
    </message>
    <message>
        <source>Add another speech bubble (up to 5)</source>
        <translation>吹き出しを追加（5つまで）</translation>
    </message>
    <message>
        <source>Photo…</source>
        <translation>写真…</translation>
    </message>
    <message>
        <source>Add a JPEG or PNG photo</source>
        <translation>JPEGまたはPNGの写真を追加</translation>
    </message>
    <message>
        <source>Insert name or field</source>
        <translation>名前・項目を差し込む</translation>
    </message>
    <message>
        <source>Insert a placeholder: each customer reads their own name or value</source>
        <translation>差し込み：お客様ごとにご自分の名前や値が入ります</translation>
    </message>
    <message>
        <source>A message has at most 5 bubbles.</source>
        <translation>1通のメッセージは吹き出し5つまでです。</translation>
    </message>
    <message>
        <source>Name (full name, else LINE name)</source>
        <translation>名前（氏名、なければLINE名）</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <source>Furigana</source>
        <translation>ふりがな</translation>
    </message>
    <message>
        <source>LINE display name</source>
        <translation>LINEの表示名</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>An unexpected problem</source>
        <translation>予期しない問題</translation>
    </message>
    <message>
        <source>Something went wrong inside Otokui.</source>
        <translation>Otokuiの内部で問題が起きました。</translation>
    </message>
    <message>
        <source>Your customer book is safe: changes you saved before this are kept. If the window does not behave as expected, save your work and restart Otokui.</source>
        <translation>顧客台帳は無事です。これまでに保存した変更は残っています。画面の動きがおかしいときは、作業を保存してOtokuiを起動し直してください。</translation>
    </message>
    <message>
        <source>A record of what happened is in the log file:
%1</source>
        <translation>起きたことの記録はログファイルにあります:
%1</translation>
    </message>
    <message>
        <source>No log file is being written; copy the details below instead.</source>
        <translation>ログファイルは書き出されていません。代わりに下の詳細をコピーしてください。</translation>
    </message>
    <message>
        <source>To get help, copy the details and send them to your support contact. They contain no customer data.</source>
        <translation>サポートを受けるには、詳細をコピーしてサポート窓口へお送りください。顧客のデータは含まれていません。</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>詳細をコピー</translation>
    </message>
    <message>
        <source>Open log folder</source>
        <translation>ログのフォルダーを開く</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>コピーしました</translation>
    </message>
</context>
<context>
    <name>CustomerTableModel</name>
    <message>
        <source>LINE name</source>
        <extracomment>Mime type of dragged customer rows: a JSON list of customer ids. Above this many customers in a pageable query, ids are read in chunks as needed. Ids read per chunk when the view scrolls past the ids read so far. Rows kept in the cache before it is emptied (scrolling through 100,000 rows). Numbers line up on the right, under a header on the right; text and its header left. A number or points field: right-aligned, as are its header and its digits. The query changed and the ids were replaced (not a mere repaint). Rows in the query (more than ``_ids`` while the ids are read in chunks). Where to continue reading ids; None once they are all here. Queries with more customers than this are read in chunks (tests lower it).</extracomment>
        <translation>LINE名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>タグ</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>電話番号</translation>
    </message>
    <message>
        <source>Friend since</source>
        <translation>友だち追加日</translation>
    </message>
    <message>
        <source>Last updated</source>
        <translation>最終更新</translation>
    </message>
    <message>
        <source>Picture</source>
        <translation>写真</translation>
    </message>
    <message>
        <source>LINE friend</source>
        <translation>LINEの友だち</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>ブロック中</translation>
    </message>
    <message>
        <source>Not on LINE</source>
        <translation>LINE未連携</translation>
    </message>
</context>
<context>
    <name>DetailPane</name>
    <message>
        <source>Choose a customer to see their details.</source>
        <translation>お客様を選ぶと、ここに詳しい情報が表示されます。</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>基本情報</translation>
    </message>
    <message>
        <source>Custom fields</source>
        <translation>カスタム項目</translation>
    </message>
    <message>
        <source>* required: it cannot be left empty</source>
        <translation>* は必須項目です(空欄にはできません)</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>タグ</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>添付ファイル</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>履歴</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <source>Furigana</source>
        <translation>ふりがな</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>電話番号</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>メールアドレス</translation>
    </message>
    <message>
        <source>Postal code</source>
        <translation>郵便番号</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>住所</translation>
    </message>
    <message>
        <source>Birthday</source>
        <translation>誕生日</translation>
    </message>
    <message>
        <source>Memo</source>
        <translation>メモ</translation>
    </message>
    <message>
        <source>LINE name</source>
        <translation>LINE名</translation>
    </message>
    <message>
        <source>Friend since</source>
        <translation>友だち追加日</translation>
    </message>
    <message>
        <source>Blocked on</source>
        <translation>ブロックされた日</translation>
    </message>
    <message>
        <source>Drop files here to attach them (contracts, ID documents, photos).</source>
        <translation>ここにファイルをドロップすると添付できます(契約書・本人確認書類・写真など)。</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>ファイルを追加…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>開く</translation>
    </message>
    <message>
        <source>Save a copy…</source>
        <translation>コピーを保存…</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>情報を編集…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>削除…</translation>
    </message>
    <message>
        <source>%1 selected.

Use “Add tag” or “Remove tag” in the toolbar, drag them onto a tag on the left, or export them.</source>
        <translation>%1を選択中です。

ツールバーの「タグを付ける」「タグを外す」を使うか、左のタグへドラッグするか、書き出してください。</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(名前なし)</translation>
    </message>
    <message>
        <source>LINE: %1</source>
        <translation>LINE: %1</translation>
    </message>
    <message>
        <source>Not on LINE</source>
        <translation>LINE未連携</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>ブロック中</translation>
    </message>
    <message>
        <source>Friend</source>
        <translation>友だち</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <source>Added to the customer book</source>
        <translation>顧客台帳に登録</translation>
    </message>
    <message>
        <source>Changed: %1</source>
        <translation>変更: %1</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>(なし)</translation>
    </message>
    <message>
        <source>Changed: %1: %2 → %3</source>
        <translation>変更: %1: %2 → %3</translation>
    </message>
    <message>
        <source>Tag added: %1</source>
        <translation>タグを追加しました：%1</translation>
    </message>
    <message>
        <source>Tag removed: %1</source>
        <translation>タグを削除: %1</translation>
    </message>
    <message>
        <source>File attached: %1</source>
        <translation>ファイルを添付: %1</translation>
    </message>
    <message>
        <source>Attachment deleted</source>
        <translation>添付ファイルを削除</translation>
    </message>
    <message>
        <source>%1: %2 points</source>
        <translation>%1: %2 ポイント</translation>
    </message>
    <message>
        <source>Imported from a CSV file</source>
        <translation>CSVから取り込み</translation>
    </message>
    <message>
        <source>Answered the form: %1</source>
        <translation>フォームに回答: %1</translation>
    </message>
    <message>
        <source>The relay sent the form&apos;s thank-you in LINE</source>
        <translation>中継サーバーがフォームのお礼をLINEで送信</translation>
    </message>
    <message>
        <source>The relay sent the order confirmation in LINE</source>
        <translation>中継サーバーが購入確認をLINEで送信</translation>
    </message>
    <message>
        <source>The relay sent the booking confirmation in LINE</source>
        <translation>中継サーバーが予約確認をLINEで送信</translation>
    </message>
    <message>
        <source>The relay sent a message in LINE</source>
        <translation>中継サーバーがLINEでメッセージを送信</translation>
    </message>
    <message>
        <source>Conversation marked: %1</source>
        <translation>対応状況: %1</translation>
    </message>
    <message>
        <source>Added the shop as a LINE friend</source>
        <translation>LINEでお店を友だち追加</translation>
    </message>
    <message>
        <source>Unblocked the shop on LINE</source>
        <translation>LINEでお店のブロックを解除</translation>
    </message>
    <message>
        <source>Blocked the shop on LINE</source>
        <translation>LINEでお店をブロック</translation>
    </message>
    <message>
        <source>Linked their LINE account</source>
        <translation>LINEアカウントを連携</translation>
    </message>
    <message>
        <source>Joined the membership</source>
        <translation>メンバーシップに加入しました</translation>
    </message>
    <message>
        <source>Left the membership</source>
        <translation>メンバーシップを退会しました</translation>
    </message>
    <message>
        <source>Renewed the membership</source>
        <translation>メンバーシップを更新しました</translation>
    </message>
    <message>
        <source>Came within the shop&apos;s beacon</source>
        <translation>お店のビーコン圏内に来ました</translation>
    </message>
    <message>
        <source>Tapped the shop&apos;s beacon banner</source>
        <translation>お店のビーコンのバナーをタップしました</translation>
    </message>
    <message>
        <source>Watched the video to the end</source>
        <translation>動画を最後まで見ました</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>ファイルを添付</translation>
    </message>
    <message>
        <source>Folders and missing files cannot be attached; %1 left out.</source>
        <translation>フォルダーや見つからないファイルは添付できません。%1 件を除きました。</translation>
    </message>
    <message>
        <source>Empty files (0 bytes) hold nothing to keep; left out: %1</source>
        <translation>空のファイル（0バイト）は保管するものがないため、除きました：%1</translation>
    </message>
    <message>
        <source>Save a copy</source>
        <translation>コピーを保存</translation>
    </message>
    <message>
        <source>Saving a copy…</source>
        <translation>コピーを保存しています…</translation>
    </message>
    <message>
        <source>Delete attachment</source>
        <translation>添付ファイルの削除</translation>
    </message>
    <message>
        <source>Delete “%1”? The encrypted file is removed from this computer. This cannot be undone.</source>
        <translation>「%1」を削除しますか?暗号化されたファイルがこのパソコンから消え、元に戻せません。</translation>
    </message>
</context>
<context>
    <name>EmptyBookGuide</name>
    <message>
        <source>Your customer book is empty</source>
        <translation>顧客台帳はまだ空です</translation>
    </message>
    <message>
        <source>Start in one of three ways:</source>
        <translation>次のどれかから始めましょう:</translation>
    </message>
    <message>
        <source>Add a customer…</source>
        <translation>お客様を追加…</translation>
    </message>
    <message>
        <source>Import customers from a CSV file…</source>
        <translation>CSVファイルからお客様を取り込む…</translation>
    </message>
    <message>
        <source>Connect your LINE Official Account…</source>
        <translation>LINE公式アカウントをつなぐ…</translation>
    </message>
    <message>
        <source>Once connected, friends of your LINE account appear here by themselves.</source>
        <translation>つなぐと、LINE公式アカウントの友だちが自動でここに表示されます。</translation>
    </message>
    <message>
        <source>Then sort them with tags: “＋ Tag” at the top of the list on the left.</source>
        <translation>お客様はタグで分けられます。左の一覧の上にある「＋ タグ」から作れます。</translation>
    </message>
</context>
<context>
    <name>FieldEditor</name>
    <message>
        <source>Not set</source>
        <translation>未設定</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>消去</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(なし)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Search by name, furigana, phone, email or memo (Ctrl+F)</source>
        <extracomment>Above this many customers, bulk changes run in the background with a progress dialog.</extracomment>
        <translation>氏名・ふりがな・電話番号・メール・メモで検索(Ctrl+F)</translation>
    </message>
    <message>
        <source>Demo (a practice book, deleted when you quit)</source>
        <translation>デモ（練習用の台帳です。終了すると消えます）</translation>
    </message>
    <message>
        <source>Customer book</source>
        <translation>顧客台帳</translation>
    </message>
    <message>
        <source>&amp;New customer…</source>
        <translation>新しいお客様(&amp;N)…</translation>
    </message>
    <message>
        <source>Add a customer by hand</source>
        <translation>お客様を手で登録します</translation>
    </message>
    <message>
        <source>Custom &amp;fields…</source>
        <translation>カスタム項目(&amp;F)…</translation>
    </message>
    <message>
        <source>Choose which details you keep about customers</source>
        <translation>お客様について記録する項目を決めます</translation>
    </message>
    <message>
        <source>&amp;Import CSV…</source>
        <translation>CSVを取り込む(&amp;I)…</translation>
    </message>
    <message>
        <source>Add or update customers from a CSV file</source>
        <translation>CSVファイルからお客様を登録・更新します</translation>
    </message>
    <message>
        <source>&amp;Export CSV…</source>
        <translation>CSVに書き出す(&amp;E)…</translation>
    </message>
    <message>
        <source>Save customers to a CSV file</source>
        <translation>お客様の情報をCSVファイルに保存します</translation>
    </message>
    <message>
        <source>&amp;Back up…</source>
        <translation>バックアップ(&amp;B)…</translation>
    </message>
    <message>
        <source>Save an encrypted backup of the whole book</source>
        <translation>台帳全体を暗号化してバックアップします</translation>
    </message>
    <message>
        <source>&amp;Restore from backup…</source>
        <translation>バックアップから復元(&amp;R)…</translation>
    </message>
    <message>
        <source>Replace this book with a backup</source>
        <translation>この台帳をバックアップの内容に置き換えます</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>設定(&amp;S)…</translation>
    </message>
    <message>
        <source>Events &amp;not received…</source>
        <translation>受信できなかったイベント(&amp;N)…</translation>
    </message>
    <message>
        <source>LINE events that came through the relay but were not added</source>
        <translation>中継サーバーから届いたのに台帳に追加しなかったLINEのイベント</translation>
    </message>
    <message>
        <source>&amp;Lock now</source>
        <translation>今すぐロック(&amp;L)</translation>
    </message>
    <message>
        <source>Hide the customer book until it is unlocked</source>
        <translation>ロックを解除するまで顧客台帳を隠します</translation>
    </message>
    <message>
        <source>&amp;About Otokui</source>
        <translation>Otokuiについて(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;First steps</source>
        <translation>はじめての方へ(&amp;F)</translation>
    </message>
    <message>
        <source>What to do first: the book, customers, tags, LINE, chat, broadcasts</source>
        <translation>最初にすること：台帳、お客様、タグ、LINE、チャット、配信</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>終了(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>検索(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Delete selected customers…</source>
        <translation>選択したお客様を削除(&amp;D)…</translation>
    </message>
    <message>
        <source>Add tag</source>
        <translation>タグを付ける</translation>
    </message>
    <message>
        <source>Add a tag to the selected customers</source>
        <translation>選択したお客様にタグを付けます</translation>
    </message>
    <message>
        <source>Remove tag</source>
        <translation>タグを外す</translation>
    </message>
    <message>
        <source>Remove a tag from the selected customers</source>
        <translation>選択したお客様からタグを外します</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <extracomment>Actions that need an open book (disabled while locked).</extracomment>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Customers</source>
        <translation>お客様(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Broadcasts</source>
        <translation>配信(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>ツール(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>ツールバー</translation>
    </message>
    <message>
        <source>New customer</source>
        <translation>新しいお客様</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>ロック</translation>
    </message>
    <message>
        <source>More actions</source>
        <translation>その他の操作</translation>
    </message>
    <message>
        <source>Demo: a practice book, deleted when you quit</source>
        <translation>デモ: 練習用の台帳です。終了すると消えます</translation>
    </message>
    <message>
        <source>%1 selected</source>
        <translation>%1を選択中</translation>
    </message>
    <message>
        <source>Tag “%1” added to %2.</source>
        <translation>%2にタグ「%1」を付けました。</translation>
    </message>
    <message>
        <source>Delete customers</source>
        <translation>お客様の削除</translation>
    </message>
    <message>
        <source>Delete %1? Their details, tags and attachments are deleted too. This cannot be undone.</source>
        <translation>%1を削除しますか?登録した情報・タグ・添付ファイルもすべて削除され、元に戻せません。</translation>
    </message>
    <message>
        <source>Deleting customers…</source>
        <translation>お客様を削除しています…</translation>
    </message>
    <message>
        <source>%1 deleted.</source>
        <translation>%1を削除しました。</translation>
    </message>
    <message>
        <source>New tag…</source>
        <translation>新しいタグ…</translation>
    </message>
    <message>
        <source>No tags yet</source>
        <translation>タグはまだありません</translation>
    </message>
    <message>
        <source>New tag</source>
        <translation>新しいタグ</translation>
    </message>
    <message>
        <source>Tag name:</source>
        <translation>タグの名前:</translation>
    </message>
    <message>
        <source>Changing tags…</source>
        <translation>タグを変更しています…</translation>
    </message>
    <message>
        <source>Tag added to %1.</source>
        <translation>%1にタグを付けました。</translation>
    </message>
    <message>
        <source>Tag removed from %1.</source>
        <translation>%1からタグを外しました。</translation>
    </message>
    <message>
        <source>Drop to attach the files to %1.</source>
        <translation>ここで離すと %1 様にファイルを添付します。</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) attached to %1.</source>
        <translation>
            <numerusform>%1 様にファイルを%n件添付しました。</numerusform>
        </translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>CSVに書き出す</translation>
    </message>
    <message>
        <source>Which customers do you want to export?</source>
        <translation>どのお客様を書き出しますか?</translation>
    </message>
    <message>
        <source>Selected (%1)</source>
        <translation>選択したお客様(%1)</translation>
    </message>
    <message>
        <source>All shown (%1)</source>
        <translation>表示中のすべて(%1)</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSVファイル (*.csv)</translation>
    </message>
    <message>
        <source>%1 exported to %2.</source>
        <translation>%1を %2 に書き出しました。</translation>
    </message>
    <message>
        <source>Exporting customers…</source>
        <translation>お客様の情報を書き出しています…</translation>
    </message>
    <message>
        <source>Back up the customer book</source>
        <translation>顧客台帳のバックアップ</translation>
    </message>
    <message>
        <source>Otokui backups (*.otkb)</source>
        <translation>Otokuiのバックアップ (*.otkb)</translation>
    </message>
    <message>
        <source>Backup saved: %1</source>
        <translation>バックアップを保存しました: %1</translation>
    </message>
    <message>
        <source>Backing up…</source>
        <translation>バックアップしています…</translation>
    </message>
    <message>
        <source>Restore from backup</source>
        <translation>バックアップから復元</translation>
    </message>
    <message>
        <source>Otokui backups (*.otkb);;All files (*)</source>
        <translation>Otokuiのバックアップ (*.otkb);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Replace the customer book with the backup of %1 (%2, %3 attachments)? Everything changed since then is replaced.</source>
        <translation>顧客台帳を %1 のバックアップ(%2、添付ファイル %3 件)に置き換えますか?それ以降の変更はすべて置き換わります。</translation>
    </message>
    <message>
        <source>This backup is of a different customer book.</source>
        <translation>このバックアップは別の顧客台帳のものです。</translation>
    </message>
    <message>
        <source>This backup was made with a passphrase. Type the book&apos;s passphrase or its recovery passphrase:</source>
        <translation>このバックアップはパスフレーズで保護されています。台帳のパスフレーズか、復旧用パスフレーズを入力してください:</translation>
    </message>
    <message>
        <source>That passphrase does not open this backup. Please type it again:</source>
        <translation>そのパスフレーズではこのバックアップを開けません。もう一度入力してください:</translation>
    </message>
    <message>
        <source>Checking and restoring the backup…</source>
        <translation>バックアップを確認して復元しています…</translation>
    </message>
    <message>
        <source>Otokui will lock when the work in progress is finished.</source>
        <translation>実行中の作業が終わりしだいロックします。</translation>
    </message>
    <message>
        <source>LINE: connecting…</source>
        <translation>LINE：接続しています…</translation>
    </message>
    <message>
        <source>LINE: the access token is not valid</source>
        <translation>LINE：トークンが無効です</translation>
    </message>
    <message>
        <source>LINE: no access token is set</source>
        <translation>LINE：トークンが未設定です</translation>
    </message>
    <message>
        <source>LINE: connected</source>
        <translation>LINE：接続中</translation>
    </message>
    <message>
        <source>LINE: syncing…</source>
        <translation>LINE：同期中…</translation>
    </message>
    <message>
        <source>LINE: offline</source>
        <translation>LINE：オフライン</translation>
    </message>
    <message>
        <source>LINE: offline — retrying in %1 s</source>
        <translation>LINE：オフライン — %1秒後に再試行</translation>
    </message>
    <message>
        <source>LINE: could not save — retrying in %1 s</source>
        <translation>LINE：保存できませんでした — %1秒後に再試行</translation>
    </message>
    <message>
        <source>LINE: no longer paired with the relay</source>
        <translation>LINE：中継サーバーとの連携が解除されました</translation>
    </message>
    <message>
        <source>LINE: enter the channel secret</source>
        <translation>LINE：チャネルシークレットを入力してください</translation>
    </message>
    <message>
        <source>The relay cannot be reached. Messages wait on the relay and at LINE; nothing is lost.</source>
        <translation>中継サーバーにつながりません。メッセージは中継サーバーとLINEで待機しているので、失われません。</translation>
    </message>
    <message>
        <source>The customer book could not take the new messages just now. They wait on the relay; nothing is lost.</source>
        <translation>今は新しいメッセージを顧客台帳に保存できませんでした。中継サーバーで待機しているので、失われません。</translation>
    </message>
    <message>
        <source>Pair again in Settings → LINE with a new pairing code.</source>
        <translation>設定 →「LINE」で、新しい連携コードを使ってもう一度連携してください。</translation>
    </message>
    <message>
        <source>Otokui checks with the channel secret that each message really comes from LINE. Enter it in Settings → LINE; messages wait on the relay until then.</source>
        <translation>Otokuiはチャネルシークレットを使って、メッセージが本当にLINEから届いたか確かめます。設定 →「LINE」で入力してください。それまでメッセージは中継サーバーで待っています。</translation>
    </message>
    <message>
        <source>Events not added to the book: %1 (Tools → Events not received)</source>
        <translation>台帳に追加しなかったイベント: %1 件(ツール →「受信できなかったイベント」)</translation>
    </message>
    <message>
        <source>New friends&apos; names and photos cannot be fetched. Enter the channel access token in Settings → LINE.</source>
        <translation>新しい友だちの名前や写真を取得できません。設定 →「LINE」でチャネルアクセストークンを入力してください。</translation>
    </message>
    <message>
        <source>Since Otokui started: %1 messages received, %2 events applied, %3 duplicates skipped.</source>
        <translation>起動してから: 受信したメッセージ %1件、反映したイベント %2件、重複のため省いたもの %3件</translation>
    </message>
    <message>
        <source>Photos and files still to download: %1</source>
        <translation>まだ受け取っていない写真・ファイル: %1件</translation>
    </message>
    <message>
        <source>Last synced: %1</source>
        <translation>最後に同期した日時: %1</translation>
    </message>
    <message>
        <source>Click for Settings → LINE.</source>
        <translation>クリックすると 設定 →「LINE」を開きます。</translation>
    </message>
    <message>
        <source>Quit Otokui</source>
        <translation>Otokuiの終了</translation>
    </message>
    <message>
        <source>Work is still in progress. Cancel it and quit? Nothing is lost: cancelled work leaves the book as it was.</source>
        <translation>まだ作業の途中です。中止して終了しますか?中止しても台帳は元のままで、何も失われません。</translation>
    </message>
</context>
<context>
    <name>Photos</name>
    <message>
        <source>“%1” is larger than 10 MB. LINE does not accept it: choose a smaller photo.</source>
        <translation>「%1」は10MBを超えているため、LINEで送れません。小さい写真を選んでください。</translation>
    </message>
    <message>
        <source>“%1” could not be read.</source>
        <translation>「%1」を読み込めませんでした。</translation>
    </message>
    <message>
        <source>“%1” is not a JPEG or PNG photo. LINE only takes those.</source>
        <translation>「%1」はJPEG・PNGの写真ではありません。LINEで送れるのはこの2種類だけです。</translation>
    </message>
    <message>
        <source>“%1” is damaged and cannot be sent.</source>
        <translation>「%1」は壊れているため送れません。</translation>
    </message>
    <message>
        <source>No preview could be made of “%1”.</source>
        <translation>「%1」のプレビューを作れませんでした。</translation>
    </message>
    <message>
        <source>Add a photo</source>
        <translation>写真を追加</translation>
    </message>
    <message>
        <source>Photos (*.jpg *.jpeg *.png)</source>
        <translation>写真 (*.jpg *.jpeg *.png)</translation>
    </message>
    <message>
        <source>%1 — click to remove</source>
        <translation>%1 — クリックで取り除きます</translation>
    </message>
</context>
<context>
    <name>PointsDialog</name>
    <message>
        <source>Add points</source>
        <translation>ポイントを加算</translation>
    </message>
    <message>
        <source>Use points</source>
        <translation>ポイントを利用</translation>
    </message>
    <message>
        <source>For example: visit on 11/29</source>
        <translation>例: 11/29 ご来店</translation>
    </message>
    <message>
        <source>Points:</source>
        <translation>ポイント:</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>理由:</translation>
    </message>
</context>
<context>
    <name>PointsEditor</name>
    <message>
        <source>Add points</source>
        <extracomment>(delta, reason)</extracomment>
        <translation>ポイントを加算</translation>
    </message>
    <message>
        <source>Use points</source>
        <translation>ポイントを利用</translation>
    </message>
    <message>
        <source>Points history</source>
        <translation>ポイントの履歴</translation>
    </message>
    <message>
        <source>%1 pt</source>
        <translation>%1 pt</translation>
    </message>
</context>
<context>
    <name>PointsHistory</name>
    <message>
        <source>Points history: %1</source>
        <translation>ポイントの履歴: %1</translation>
    </message>
    <message>
        <source>When</source>
        <translation>日時</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>ポイント</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
</context>
<context>
    <name>PreviewWindow</name>
    <message>
        <source>This PDF cannot be shown. Save a copy and open it with another program.</source>
        <translation>このPDFは表示できません。コピーを保存して、ほかのアプリで開いてください。</translation>
    </message>
    <message>
        <source>This image cannot be shown. Save a copy and open it with another program.</source>
        <translation>この画像は表示できません。コピーを保存して、ほかのアプリで開いてください。</translation>
    </message>
    <message>
        <source>There is no preview for this kind of file. Save a copy to open it.</source>
        <translation>この種類のファイルはプレビューできません。コピーを保存して開いてください。</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>拡大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>縮小</translation>
    </message>
    <message>
        <source>Fit to window</source>
        <translation>画面に合わせる</translation>
    </message>
    <message>
        <source>Actual size</source>
        <translation>実際のサイズ</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>Save a copy…</source>
        <translation>コピーを保存…</translation>
    </message>
    <message>
        <source>Save a copy</source>
        <translation>コピーを保存</translation>
    </message>
    <message>
        <source>The copy could not be saved: %1</source>
        <translation>コピーを保存できませんでした：%1</translation>
    </message>
    <message>
        <source>Opening…</source>
        <translation>開いています…</translation>
    </message>
</context>
<context>
    <name>TagChip</name>
    <message>
        <source>Remove the tag “%1”</source>
        <extracomment>Images above this size get a generic icon instead of a decrypted thumbnail.</extracomment>
        <translation>タグ「%1」を外す</translation>
    </message>
</context>
<context>
    <name>TagEditor</name>
    <message>
        <source>Add a tag…</source>
        <translation>タグを追加…</translation>
    </message>
</context>
<context>
    <name>TagSidebar</name>
    <message>
        <source>＋ Tag</source>
        <extracomment>Marks the clause a chosen segment puts in the table&apos;s query, so the next choice can take it out again (an SQL comment: it changes nothing in what the clause selects). What an unusable saved segment shows: nobody (it names a deleted tag or field). Customers were tagged by a drop: (number of customers newly tagged, tag name). &quot;Broadcast to this segment…&quot; (saved segment id) and &quot;… to this tag…&quot; (tag id).</extracomment>
        <translation>＋ タグ</translation>
    </message>
    <message>
        <source>New tag</source>
        <translation>新しいタグ</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>フォルダー</translation>
    </message>
    <message>
        <source>New folder</source>
        <translation>新しいフォルダー</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>タグ</translation>
    </message>
    <message>
        <source>All friends</source>
        <translation>すべての友だち</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>ブロック中</translation>
    </message>
    <message>
        <source>Adding the tag…</source>
        <translation>タグを付けています…</translation>
    </message>
    <message>
        <source>Tag name:</source>
        <translation>タグの名前:</translation>
    </message>
    <message>
        <source>Folder name:</source>
        <translation>フォルダーの名前:</translation>
    </message>
    <message>
        <source>Rename folder</source>
        <translation>フォルダー名の変更</translation>
    </message>
    <message>
        <source>Rename tag</source>
        <translation>タグ名の変更</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>新しい名前:</translation>
    </message>
    <message>
        <source>Tag colour</source>
        <translation>タグの色</translation>
    </message>
    <message>
        <source>Delete tag</source>
        <translation>タグの削除</translation>
    </message>
    <message>
        <source>Delete the tag “%1”? It is removed from %2 customers. The customers themselves are kept.</source>
        <translation>タグ「%1」を削除しますか?%2 人のお客様からこのタグが外れます。お客様の情報はそのまま残ります。</translation>
    </message>
    <message>
        <source>Delete folder</source>
        <translation>フォルダーの削除</translation>
    </message>
    <message>
        <source>Delete the folder “%1”?</source>
        <translation>フォルダー「%1」を削除しますか?</translation>
    </message>
    <message>
        <source>Delete folder, keep its tags</source>
        <translation>フォルダーだけ削除(タグは残す)</translation>
    </message>
    <message>
        <source>Delete folder and its tags</source>
        <translation>フォルダーとタグを削除</translation>
    </message>
    <message>
        <source>New tag…</source>
        <translation>新しいタグ…</translation>
    </message>
    <message>
        <source>New folder…</source>
        <translation>新しいフォルダー…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>名前を変更…</translation>
    </message>
    <message>
        <source>Change colour…</source>
        <translation>色を変更…</translation>
    </message>
    <message>
        <source>Move to folder</source>
        <translation>フォルダーへ移動</translation>
    </message>
    <message>
        <source>No folder</source>
        <translation>フォルダーなし</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上へ移動</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下へ移動</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>削除…</translation>
    </message>
</context>
<context>
    <name>TextBubbleEditor</name>
    <message>
        <source>Write a message…</source>
        <extracomment>Built-in placeholders offered in the menu (what the core knows, app/placeholders.py). A photo&apos;s thumbnail in the row under the bubbles, and the larger one a preview shows (px).</extracomment>
        <translation>メッセージを入力…</translation>
    </message>
    <message>
        <source>Remove this bubble</source>
        <translation>この吹き出しを削除</translation>
    </message>
    <message>
        <source>LINE takes at most %1 characters in a bubble; this one has %2.</source>
        <extracomment>How many bubbles this one may become (set by the editor: the free places + 1).</extracomment>
        <translation>LINEで送れる吹き出しは%1文字までです。この吹き出しは%2文字あります。</translation>
    </message>
    <message>
        <source>Shorten it, or split it into bubbles at line and sentence ends.</source>
        <translation>短くするか、改行や文の区切りで吹き出しに分けてください。</translation>
    </message>
    <message numerus="yes">
        <source>Split into %n bubbles</source>
        <translation>
            <numerusform>%nつの吹き出しに分ける</numerusform>
        </translation>
    </message>
    <message>
        <source>It does not fit in the bubbles left (5 at most): shorten it.</source>
        <translation>残りの吹き出し（合わせて5つまで）に収まりません。短くしてください。</translation>
    </message>
</context>
<context>
    <name>_ReopenWidget</name>
    <message>
        <source>The customer book is locked</source>
        <translation>顧客台帳はロックされています</translation>
    </message>
    <message>
        <source>This is the demo: it opens without a passphrase.</source>
        <translation>デモなので、パスフレーズなしで開けます。</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>開く</translation>
    </message>
    <message>
        <source>Opening the customer book…</source>
        <translation>顧客台帳を開いています…</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Otokui</source>
        <translation>Otokui</translation>
    </message>
</context>
<context>
    <name>formatting</name>
    <message>
        <source>%Ln customer(s)</source>
        <translation>%Ln人</translation>
    </message>
</context>
</TS>
