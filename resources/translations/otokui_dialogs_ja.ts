<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Otokui</source>
        <translation>Otokui について</translation>
    </message>
    <message>
        <source>The customer book of your LINE Official Account, kept on this computer and encrypted.</source>
        <translation>LINE公式アカウントのお客様の台帳を、このパソコンに暗号化して保管します。</translation>
    </message>
    <message>
        <source>Everything is kept in this folder:</source>
        <translation>すべて次のフォルダーに保管しています:</translation>
    </message>
    <message>
        <source>The customer book (book.db): encrypted.</source>
        <translation>顧客台帳 (book.db): 暗号化しています。</translation>
    </message>
    <message>
        <source>Attachments (the attachments folder): each file encrypted with its own key.</source>
        <translation>添付ファイル (attachments フォルダー): 1件ずつ別々の鍵で暗号化しています。</translation>
    </message>
    <message>
        <source>The key that opens the book: in this computer&apos;s password store, or in book.key, locked by your passphrase. Without it the files cannot be read.</source>
        <translation>台帳を開く鍵: このパソコンのパスワード保管庫、またはパスフレーズで守られた book.key にあります。鍵がなければ、ファイルは読めません。</translation>
    </message>
    <message>
        <source>The log (the logs folder): what Otokui did and any errors, without customer details, passphrases or keys.</source>
        <translation>ログ (logs フォルダー): Otokuiの動作やエラーの記録です。お客様の情報、パスフレーズ、鍵は書きません。</translation>
    </message>
    <message>
        <source>Customer details leave this computer only when you export them, back them up, or send messages through LINE.</source>
        <translation>お客様の情報がこのパソコンの外に出るのは、書き出し・バックアップをしたときと、LINEでメッセージを送ったときだけです。</translation>
    </message>
    <message>
        <source>Otokui is built with Qt 6 and Qt for Python (PySide6), used under the GNU LGPL version 3, and with SQLCipher, SQLAlchemy, keyring, argon2-cffi and cryptography, each under its own open-source licence.</source>
        <translation>Otokuiは、GNU LGPL バージョン3のもとで利用している Qt 6 と Qt for Python (PySide6)、およびそれぞれのオープンソースライセンスのもとで利用している SQLCipher、SQLAlchemy、keyring、argon2-cffi、cryptography で作られています。</translation>
    </message>
    <message>
        <source>Open the folder</source>
        <translation>フォルダーを開く</translation>
    </message>
    <message>
        <source>About Qt</source>
        <translation>Qt について</translation>
    </message>
</context>
<context>
    <name>AlreadyOpenDialog</name>
    <message>
        <source>This customer book is already open in another Otokui window.</source>
        <translation>この顧客台帳は、すでに別のOtokuiのウィンドウで開いています。</translation>
    </message>
    <message>
        <source>A customer book is used by one window at a time, so that nothing written in one is lost in the other. You can bring that window to the front and go on there.</source>
        <translation>片方で書いた内容がもう片方で失われないよう、顧客台帳は一度にひとつのウィンドウでだけ使えます。そのウィンドウを前面に出して、続きをそちらで行えます。</translation>
    </message>
    <message>
        <source>Show that window</source>
        <translation>そのウィンドウを表示</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>もう一度試す</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>Asking the other window…</source>
        <translation>もう一方のウィンドウに呼びかけています…</translation>
    </message>
    <message>
        <source>The customer book is being used by another Otokui task right now (such as a sync, a backup or a script run from a terminal).</source>
        <translation>この顧客台帳は、いま別のOtokuiの処理(同期、バックアップ、ターミナルから実行したスクリプトなど)が使っています。</translation>
    </message>
    <message>
        <source>Wait until it has finished, then press Try again. Nothing was changed.</source>
        <translation>終わるまでお待ちいただき、「もう一度試す」を押してください。何も変更されていません。</translation>
    </message>
</context>
<context>
    <name>AskPassphraseDialog</name>
    <message>
        <source>Confirm it is you</source>
        <extracomment>Languages offered, each named in its own language (so it can be found when unreadable).</extracomment>
        <translation>ご本人の確認</translation>
    </message>
    <message>
        <source>Type your current passphrase to continue.</source>
        <translation>続けるには、今のパスフレーズを入力してください。</translation>
    </message>
    <message>
        <source>The recovery passphrase works too.</source>
        <translation>回復用パスフレーズでも構いません。</translation>
    </message>
    <message>
        <source>Please type the passphrase.</source>
        <translation>パスフレーズを入力してください。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>確認しています…</translation>
    </message>
    <message>
        <source>The passphrase is wrong. Please type it again.</source>
        <translation>パスフレーズが違います。もう一度入力してください。</translation>
    </message>
</context>
<context>
    <name>AutopilotBox</name>
    <message>
        <source>Autopilot (instant replies)</source>
        <translation>自動応答（オートパイロット）</translation>
    </message>
    <message>
        <source>When this is on, the relay answers at once, also while this computer is off: the rules marked to reply at once (a greeting to new friends, keyword replies: Tools → Rules), and the LINE messages of its pages (a form&apos;s thank-you, order and booking confirmations). It also sends the reminders, step messages and birthday coupons due in the next 7 days at their time. For that the relay keeps the channel access token and, until each is sent, those messages and to whom they go, encrypted with a key only its server has. Customers&apos; names and what they write stay sealed.</source>
        <translation>オンにすると、このパソコンの電源が切れていても、中継サーバーがすぐに送ります（「すぐ返信する」にしたルール〔新しい友だちへのあいさつ、キーワードへの返信：ツール → ルール〕、フォームのお礼・注文と予約の確認など、ページから送るLINEメッセージ）。これから7日以内のリマインド、ステップ配信、誕生日クーポンも、その時刻に送ります。そのために中継サーバーは、チャネルアクセストークンと、送り終えるまでのそれらのメッセージと宛先を、サーバーだけが持つ鍵で暗号化して保管します。お客様の名前や書いた内容は封印されたままです。</translation>
    </message>
    <message>
        <source>Let the relay reply instantly</source>
        <translation>中継サーバーにすぐ返信させる</translation>
    </message>
    <message>
        <source>The relay replies instantly.</source>
        <translation>中継サーバーがすぐに返信します。</translation>
    </message>
    <message>
        <source>The relay no longer keeps the token.</source>
        <translation>中継サーバーはトークンを保管しなくなりました。</translation>
    </message>
    <message>
        <source>The relay could not be changed. Check the connection and that the relay has RELAY_AUTOPILOT_KEY set.</source>
        <translation>中継サーバーの設定を変えられませんでした。接続と、中継サーバーに RELAY_AUTOPILOT_KEY が設定されているかを確認してください。</translation>
    </message>
</context>
<context>
    <name>CheckPage</name>
    <message>
        <source>Check before importing</source>
        <translation>取り込む前の確認</translation>
    </message>
    <message>
        <source>Nothing has been imported yet.</source>
        <translation>まだ何も取り込んでいません。</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>取り込む</translation>
    </message>
    <message>
        <source>Save the list as CSV…</source>
        <translation>一覧をCSVで保存…</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <source>Checking every row…</source>
        <translation>すべての行を確認しています…</translation>
    </message>
    <message>
        <source>%1 rows: %2 new, %3 updated, %4 unchanged, %5 with problems.</source>
        <translation>%1行: 新規 %2件、更新 %3件、変更なし %4件、問題あり %5行</translation>
    </message>
    <message>
        <source>%1 rows: %2 new, %3 updated, %4 unchanged.</source>
        <translation>%1行: 新規 %2件、更新 %3件、変更なし %4件</translation>
    </message>
    <message>
        <source>New tags: %1</source>
        <translation>新しく作るタグ: %1</translation>
    </message>
    <message>
        <source>Columns not imported: %1</source>
        <translation>取り込まない列: %1</translation>
    </message>
    <message>
        <source>No problems found. Press “Import” to import the file.</source>
        <translation>問題は見つかりませんでした。「取り込む」を押すと取り込みます。</translation>
    </message>
    <message numerus="yes">
        <source>Import the good rows and skip the %n listed (saved to a CSV file to fix and import again)</source>
        <translation>
            <numerusform>問題のない行だけ取り込み、一覧の%n行は取り込まない(直して取り込み直せるようCSVファイルに保存します)</numerusform>
        </translation>
    </message>
    <message>
        <source>Save the skipped rows</source>
        <translation>取り込まなかった行の保存先</translation>
    </message>
    <message numerus="yes">
        <source>The good rows will be imported. The %n row(s) listed will be left out and written to the file below.</source>
        <translation>
            <numerusform>問題のない行を取り込みます。一覧の%n行は取り込まず、下のファイルに書き出します。</numerusform>
        </translation>
    </message>
    <message>
        <source>Skipped rows: %1
The file has the same columns as yours plus a “Problem” column: fix the rows and import it again. Like an export it is a plain CSV file, not encrypted, and it is recorded in the audit log; delete it once the rows are imported.</source>
        <translation>取り込まなかった行: %1
お使いのファイルと同じ列に「問題」列を加えたファイルです。行を直して、もう一度取り込んでください。書き出し(エクスポート)と同じく暗号化されていない普通のCSVファイルで、操作の記録(監査ログ)に残ります。取り込みが済んだら削除してください。</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) have problems, so nothing will be imported until they are fixed. Correct them in the file (you can save this list as CSV), then import again.</source>
        <translation>
            <numerusform>問題のある行が %n行あるため、直すまでは何も取り込みません。ファイルを直してから(この一覧はCSVで保存できます)、もう一度取り込んでください。</numerusform>
        </translation>
    </message>
    <message>
        <source>The file cannot be imported.</source>
        <translation>このファイルは取り込めません。</translation>
    </message>
    <message>
        <source>Save the list of problems</source>
        <translation>問題の一覧を保存</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSVファイル (*.csv)</translation>
    </message>
    <message>
        <source>The list could not be saved there. Choose another folder.</source>
        <translation>その場所には保存できませんでした。別のフォルダーを選んでください。</translation>
    </message>
</context>
<context>
    <name>ConnectWizard</name>
    <message>
        <source>Connect LINE</source>
        <translation>LINEとつなぐ</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>次へ</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>戻る</translation>
    </message>
    <message>
        <source>Done</source>
        <comment>the last button of a wizard</comment>
        <translation>完了</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
</context>
<context>
    <name>FieldEditorDialog</name>
    <message>
        <source>Custom fields</source>
        <translation>カスタム項目</translation>
    </message>
    <message>
        <source>New field</source>
        <translation>新しい項目</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>削除…</translation>
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
        <source>Drag to change the order.</source>
        <translation>ドラッグで順番を変えられます。</translation>
    </message>
    <message>
        <source>e.g. 来店回数, 会員ランク</source>
        <translation>例: 来店回数、会員ランク</translation>
    </message>
    <message>
        <source>Choices</source>
        <translation>選択肢</translation>
    </message>
    <message>
        <source>One choice per line</source>
        <translation>1行に1つずつ入力</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>入力を必須にする</translation>
    </message>
    <message>
        <source>Show as a column in the customer list</source>
        <translation>お客様一覧に列として表示する</translation>
    </message>
    <message>
        <source>Name</source>
        <comment>of a custom field</comment>
        <translation>項目名</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>種類</translation>
    </message>
    <message>
        <source>Add field</source>
        <translation>項目を追加</translation>
    </message>
    <message>
        <source>Save changes</source>
        <translation>変更を保存</translation>
    </message>
    <message>
        <source>The type cannot be changed once the field is made.</source>
        <translation>種類は、項目を作った後は変更できません。</translation>
    </message>
    <message>
        <source>Points keep a history of every change.</source>
        <translation>ポイントは、増減のたびに履歴が残ります。</translation>
    </message>
    <message>
        <source>Files are added to the customer from the detail pane.</source>
        <translation>ファイルは、お客様の詳細画面から追加します。</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>保存しました。</translation>
    </message>
    <message>
        <source>Delete the field “%1”?</source>
        <translation>項目「%1」を削除しますか？</translation>
    </message>
    <message numerus="yes">
        <source>%n customer(s) have a value in this field. The values are deleted with it and cannot be brought back.</source>
        <translation>
            <numerusform>%n人のお客様にこの項目の値が入っています。値も一緒に削除され、元に戻せません。</numerusform>
        </translation>
    </message>
    <message>
        <source>No customer has a value in this field yet.</source>
        <translation>この項目に値が入っているお客様は、まだいません。</translation>
    </message>
    <message>
        <source>Delete field</source>
        <translation>項目の削除</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>残す</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <source>Choose the CSV file</source>
        <extracomment>Where the core&apos;s reasons for refusing a row are translated, most likely first. Problems shown in the table; a file with more is summarised (all are in the saved CSV).</extracomment>
        <translation>CSVファイルを選ぶ</translation>
    </message>
    <message>
        <source>Customers in the file are added, or update the customer they match (by LINE user ID, phone number or email). Empty cells never erase anything.</source>
        <translation>ファイルのお客様を追加します。LINEユーザーID・電話番号・メールアドレスが一致するお客様は更新します。空欄のセルで内容が消えることはありません。</translation>
    </message>
    <message>
        <source>No file chosen</source>
        <translation>ファイルが選ばれていません</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>選ぶ…</translation>
    </message>
    <message>
        <source>Automatic (recommended)</source>
        <translation>自動 (おすすめ)</translation>
    </message>
    <message>
        <source>Files saved by Excel as “CSV UTF-8” or “CSV” both work; the automatic choice tells them apart.</source>
        <translation>Excelで「CSV UTF-8」と「CSV」のどちらで保存したファイルも使えます。「自動」なら見分けて読み込みます。</translation>
    </message>
    <message>
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Text encoding</source>
        <translation>文字コード</translation>
    </message>
    <message>
        <source>CSV files (*.csv *.txt);;All files (*)</source>
        <translation>CSVファイル (*.csv *.txt);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>ファイルを読み込んでいます…</translation>
    </message>
</context>
<context>
    <name>FinishPage</name>
    <message>
        <source>3. Connect and check</source>
        <translation>3. 接続と確認</translation>
    </message>
    <message>
        <source>Otokui now connects to the relay and does the LINE console&apos;s webhook settings for you, then has LINE test them.</source>
        <translation>Otokuiが中継サーバーに接続し、LINEコンソールのWebhook設定を代わりに行って、LINEにテストしてもらいます。</translation>
    </message>
    <message>
        <source>Connect this computer to the relay</source>
        <translation>このパソコンを中継サーバーに接続する</translation>
    </message>
    <message>
        <source>Set the relay&apos;s address as LINE&apos;s webhook URL</source>
        <translation>中継サーバーのアドレスをLINEのWebhook URLに設定する</translation>
    </message>
    <message>
        <source>LINE tests the relay&apos;s address</source>
        <translation>LINEから中継サーバーへの接続テスト</translation>
    </message>
    <message>
        <source>“Use webhook” is on</source>
        <translation>「Webhookの利用」がオン</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>もう一度試す</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>もう一度確認</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>処理しています…</translation>
    </message>
    <message>
        <source>Connected. New friends of %1 and their messages now arrive in this customer book by themselves while Otokui is open.</source>
        <translation>接続できました。Otokuiを開いている間、「%1」の新しい友だちとメッセージが自動でこの顧客台帳に届きます。</translation>
    </message>
    <message>
        <source>Almost there: LINE reached the relay, but “Use webhook” is off, so LINE sends nothing yet. In the LINE Developers console, open the Messaging API tab, turn on “Use webhook” under Webhook settings, then press Check again.</source>
        <translation>あと一歩です。LINEから中継サーバーには届きましたが、「Webhookの利用」がオフのため、まだ何も送られてきません。LINE Developersコンソールの「Messaging API設定」タブで、Webhook設定の「Webhookの利用」をオンにしてから「もう一度確認」を押してください。</translation>
    </message>
    <message>
        <source>Something unexpected went wrong. Please try again.</source>
        <translation>思いがけない問題が起きました。もう一度お試しください。</translation>
    </message>
</context>
<context>
    <name>GuideDialog</name>
    <message>
        <source>First steps</source>
        <translation>はじめての方へ</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>Import customers from CSV</source>
        <translation>CSVからお客様を取り込む</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>次へ</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>戻る</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
</context>
<context>
    <name>LinePage</name>
    <message>
        <source>2. Your LINE Official Account</source>
        <translation>2. LINE公式アカウント</translation>
    </message>
    <message>
        <source>Two keys from the LINE Developers console (developers.line.biz), your Messaging API channel. Otokui keeps them locked in the customer book.</source>
        <translation>LINE Developersコンソール(developers.line.biz)の、お店のMessaging APIチャネルにある2つの鍵です。Otokuiは暗号化された顧客台帳の中に保管します。</translation>
    </message>
    <message>
        <source>32 letters and digits</source>
        <translation>32文字の英数字</translation>
    </message>
    <message>
        <source>A long line of letters</source>
        <translation>長い英数字の列</translation>
    </message>
    <message>
        <source>Advanced: another address for LINE&apos;s API</source>
        <translation>詳細: LINE APIの別のアドレス</translation>
    </message>
    <message>
        <source>Empty: LINE itself (api.line.me)</source>
        <translation>空欄: LINE本体 (api.line.me)</translation>
    </message>
    <message>
        <source>Channel secret</source>
        <translation>チャネルシークレット</translation>
    </message>
    <message>
        <source>Channel access token</source>
        <translation>チャネルアクセストークン</translation>
    </message>
    <message>
        <source>Basic settings tab → Channel secret.</source>
        <translation>「チャネル基本設定」タブ →「チャネルシークレット」</translation>
    </message>
    <message>
        <source>Messaging API tab → Channel access token (long-lived) → Issue, then copy.</source>
        <translation>「Messaging API設定」タブ →「チャネルアクセストークン(長期)」→「発行」を押してコピー</translation>
    </message>
    <message>
        <source>Empty: keep the one saved</source>
        <translation>空欄：保存済みのものを使う</translation>
    </message>
    <message>
        <source>Please paste the channel access token.</source>
        <translation>チャネルアクセストークンを貼り付けてください。</translation>
    </message>
    <message>
        <source>Asking LINE whose token this is…</source>
        <translation>LINEにトークンを確認しています…</translation>
    </message>
</context>
<context>
    <name>LineSettingsWidget</name>
    <message>
        <source>Connection</source>
        <translation>接続の状態</translation>
    </message>
    <message>
        <source>Check again</source>
        <translation>もう一度確認</translation>
    </message>
    <message>
        <source>Ask the relay whether it is up and how many events wait there</source>
        <translation>中継サーバーが動いているか、待機中のイベントがいくつあるかを確認します</translation>
    </message>
    <message>
        <source>Disconnect…</source>
        <translation>接続を解除…</translation>
    </message>
    <message>
        <source>Relay</source>
        <translation>中継サーバー</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>このパソコン</translation>
    </message>
    <message>
        <source>Paired on</source>
        <translation>連携した日時</translation>
    </message>
    <message>
        <source>Channel access token</source>
        <translation>チャネルアクセストークン</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>変更…</translation>
    </message>
    <message>
        <source>Paste the long-lived token here</source>
        <translation>長期のトークンをここに貼り付け</translation>
    </message>
    <message>
        <source>Save token</source>
        <translation>トークンを保存</translation>
    </message>
    <message>
        <source>Keep the old one</source>
        <translation>今のトークンのままにする</translation>
    </message>
    <message>
        <source>LINE Developers console → your Messaging API channel → Messaging API tab → Channel access token (long-lived). It is kept in this computer&apos;s password store (or inside the encrypted book) and never shown in full again.</source>
        <translation>LINE Developersコンソール → Messaging APIチャネル →「Messaging API設定」タブ →「チャネルアクセストークン(長期)」にあります。このパソコンのパスワード保管庫(または暗号化された台帳の中)に保管し、二度と全体は表示しません。</translation>
    </message>
    <message>
        <source>Connect to the relay</source>
        <translation>中継サーバーに接続</translation>
    </message>
    <message>
        <source>Advanced: another address for LINE&apos;s API</source>
        <translation>詳細: LINE APIの別のアドレス</translation>
    </message>
    <message>
        <source>Empty: LINE itself (api.line.me)</source>
        <translation>空欄: LINE本体 (api.line.me)</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>接続</translation>
    </message>
    <message>
        <source>Relay address</source>
        <translation>中継サーバーのアドレス</translation>
    </message>
    <message>
        <source>Pairing code</source>
        <translation>連携コード</translation>
    </message>
    <message>
        <source>Name of this computer</source>
        <translation>このパソコンの名前</translation>
    </message>
    <message>
        <source>The relay keeps this name as it is, to tell your computers apart: use a place (“レジ横のPC”), not a person&apos;s name.</source>
        <translation>中継サーバーはパソコンを見分けるために、この名前をそのまま保管します。人の名前ではなく、「レジ横のPC」のように場所で付けてください。</translation>
    </message>
    <message>
        <source>Not connected yet. The connection wizard below takes you through it step by step; the fields further down are the manual way.</source>
        <translation>まだ接続していません。下の接続ウィザードで、順番に設定できます。さらに下の入力欄は手動で接続する方法です。</translation>
    </message>
    <message>
        <source>LINE API address</source>
        <translation>LINE APIのアドレス</translation>
    </message>
    <message>
        <source>Connect step by step</source>
        <translation>順番に設定して接続</translation>
    </message>
    <message>
        <source>Open the connection wizard…</source>
        <translation>接続ウィザードを開く…</translation>
    </message>
    <message>
        <source>Empty: LINE itself (api-data.line.me)</source>
        <translation>空欄: LINE本体 (api-data.line.me)</translation>
    </message>
    <message>
        <source>Only for trying Otokui with the LINE emulator (python -m emulator): the two addresses it prints, such as http://127.0.0.1:8801 for the API and the content address for photos and files.</source>
        <translation>LINEエミュレーター(python -m emulator)でOtokuiを試すときだけ使います。エミュレーターが表示する2つのアドレス(APIの http://127.0.0.1:8801 など と、写真やファイル用のコンテンツのアドレス)を入力します。</translation>
    </message>
    <message>
        <source>LINE content address</source>
        <translation>LINEコンテンツのアドレス</translation>
    </message>
    <message>
        <source>From the relay&apos;s admin page (連携コードを発行する), or the last line of python -m relay pair on the relay&apos;s host. It works once, for 10 minutes.</source>
        <translation>中継サーバーの管理ページ(「連携コードを発行する」)か、サーバー上で実行した python -m relay pair の最後の行に表示されます。1回限り、10分間だけ使えます。</translation>
    </message>
    <message>
        <source>Friends from before Otokui</source>
        <translation>Otokuiを使う前からの友だち</translation>
    </message>
    <message>
        <source>Verified and premium LINE accounts can bring in all their existing friends at once, with their LINE names and pictures. Other accounts do not get the list of friends from LINE: there, each friend joins the customer book when they write to the shop or add it as a friend.</source>
        <translation>認証済アカウントとプレミアムアカウントは、これまでの友だちをLINEの名前と写真つきでまとめて顧客台帳に取り込めます。それ以外のアカウントにはLINEが友だちの一覧を渡さないため、友だちはお店にメッセージを送ったときや友だち追加したときに、ひとりずつ台帳に加わります。</translation>
    </message>
    <message>
        <source>Import friends</source>
        <translation>友だちを取り込む</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>中止</translation>
    </message>
    <message>
        <source>Reading the connection…</source>
        <translation>接続の状態を読み込んでいます…</translation>
    </message>
    <message>
        <source>Connected: new friends and their messages arrive in the customer book by themselves while Otokui is open.</source>
        <translation>接続しています。Otokuiを開いている間、新しい友だちとメッセージが自動で顧客台帳に届きます。</translation>
    </message>
    <message>
        <source>Check the connection with LINE</source>
        <translation>LINEとの接続の確認</translation>
    </message>
    <message>
        <source>Check that LINE reaches the relay, or enter a new channel secret or access token, with the wizard.</source>
        <translation>LINEから中継サーバーに届くかの確認や、新しいチャネルシークレット・アクセストークンの入力は、ウィザードで行えます。</translation>
    </message>
    <message>
        <source>Check the connection…</source>
        <translation>接続を確認…</translation>
    </message>
    <message>
        <source>The wizard asks for the relay&apos;s address and pairing code, then the channel secret and access token, checks each, and sets up LINE&apos;s webhook for you. The form below is the manual way.</source>
        <translation>ウィザードが中継サーバーのアドレスと連携コード、チャネルシークレットとアクセストークンを順にたずね、それぞれを確かめてから、LINEのWebhookを代わりに設定します。下の入力欄は手動で接続する方法です。</translation>
    </message>
    <message>
        <source>Relay: no address yet</source>
        <translation>中継サーバー: アドレス未設定</translation>
    </message>
    <message>
        <source>Relay: checking…</source>
        <translation>中継サーバー: 確認しています…</translation>
    </message>
    <message>
        <source>Relay: reachable</source>
        <translation>中継サーバー: 接続できます</translation>
    </message>
    <message>
        <source>Relay: reachable, %1 event(s) waiting</source>
        <translation>中継サーバー: 接続できます(待機中のイベント %1件)</translation>
    </message>
    <message>
        <source>Relay: cannot be reached</source>
        <translation>中継サーバー: つながりません</translation>
    </message>
    <message>
        <source>Please paste the channel access token.</source>
        <translation>チャネルアクセストークンを貼り付けてください。</translation>
    </message>
    <message>
        <source>Token saved.</source>
        <translation>トークンを保存しました。</translation>
    </message>
    <message>
        <source>Checking the token with LINE…</source>
        <translation>LINEでトークンを確認しています…</translation>
    </message>
    <message>
        <source>Please enter the relay&apos;s address.</source>
        <translation>中継サーバーのアドレスを入力してください。</translation>
    </message>
    <message>
        <source>Please enter the pairing code (python -m relay pair on the relay&apos;s host).</source>
        <translation>連携コードを入力してください(中継サーバー側で python -m relay pair を実行)。</translation>
    </message>
    <message>
        <source>Connected. Otokui now keeps the customer book up to date with LINE.</source>
        <translation>接続しました。これからはOtokuiが顧客台帳をLINEと同じ最新の状態に保ちます。</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>接続しています…</translation>
    </message>
    <message>
        <source>Disconnect from the relay</source>
        <translation>中継サーバーとの接続を解除</translation>
    </message>
    <message>
        <source>Disconnect this computer from the relay? New LINE messages stop arriving here, and those still waiting on the relay for this computer are deleted there. The customers and messages already in the book stay.</source>
        <translation>このパソコンと中継サーバーの接続を解除しますか？新しいLINEのメッセージはここに届かなくなり、中継サーバーでこのパソコンあてに待機中のものは削除されます。台帳にあるお客様とメッセージはそのまま残ります。</translation>
    </message>
    <message>
        <source>Last import: %1 friend(s) added, %2 already in the customer book.</source>
        <translation>前回の取り込み: %1人を追加、%2人はすでに顧客台帳にいました。</translation>
    </message>
    <message>
        <source>An import was interrupted after %1 friend(s); Import friends goes on from there.</source>
        <translation>取り込みが%1人目のところで中断しています。「続きを取り込む」でそこから再開します。</translation>
    </message>
    <message>
        <source>Continue importing</source>
        <translation>続きを取り込む</translation>
    </message>
    <message>
        <source>Importing… %1 friend(s) checked, %2 added</source>
        <translation>取り込んでいます… %1人を確認、%2人を追加</translation>
    </message>
    <message>
        <source>Done: %1 friend(s) added, %2 already in the customer book, %3 no longer friends.</source>
        <translation>完了: %1人を追加しました(すでに台帳にいた方 %2人、友だちでなくなっていた方 %3人)。</translation>
    </message>
    <message>
        <source>Stopped. Nothing is lost: Import friends goes on from there.</source>
        <translation>中止しました。取り込んだ分は残っています。「続きを取り込む」でそこから再開します。</translation>
    </message>
    <message>
        <source>Asking LINE for the list of friends…</source>
        <translation>LINEに友だちの一覧を問い合わせています…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>中止しています…</translation>
    </message>
    <message>
        <source>Disconnected from the relay.</source>
        <translation>中継サーバーとの接続を解除しました。</translation>
    </message>
    <message>
        <source>The relay cannot be reached, so it cannot be told. Forget the connection on this computer only? The relay keeps this computer&apos;s pairing until it is revoked there (python -m relay revoke).</source>
        <translation>中継サーバーにつながらないため、解除を伝えられません。このパソコンでだけ接続を解除しますか？中継サーバー側で取り消す(python -m relay revoke)まで、連携の記録はそちらに残ります。</translation>
    </message>
    <message>
        <source>Disconnecting…</source>
        <translation>接続を解除しています…</translation>
    </message>
</context>
<context>
    <name>MappingPage</name>
    <message>
        <source>What does each column hold?</source>
        <translation>各列の内容を割り当ててください</translation>
    </message>
    <message>
        <source>Otokui guessed from the first row. Change a column&apos;s field if the guess is wrong, or choose “Do not import” to leave it out.</source>
        <translation>1行目の見出しから推測しました。違っている列は割り当てを変えるか、「取り込まない」を選んでください。</translation>
    </message>
    <message>
        <source>Column in the file</source>
        <translation>ファイルの列</translation>
    </message>
    <message>
        <source>Import into</source>
        <translation>取り込み先</translation>
    </message>
    <message>
        <source>Example</source>
        <translation>例</translation>
    </message>
    <message>
        <source>The first rows of the file</source>
        <translation>ファイルの最初の行</translation>
    </message>
    <message>
        <source>LINE user ID</source>
        <translation>LINEユーザーID</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>表示名</translation>
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
        <source>Tags</source>
        <translation>タグ</translation>
    </message>
    <message>
        <source>Do not import</source>
        <translation>取り込まない</translation>
    </message>
    <message>
        <source>Custom field: %1</source>
        <translation>カスタム項目: %1</translation>
    </message>
    <message>
        <source>Choose at least one column to import.</source>
        <translation>取り込む列を1つ以上選んでください。</translation>
    </message>
    <message>
        <source>Two columns are assigned to the same field. Choose a different field for one of them, or “Do not import”.</source>
        <translation>2つの列が同じ項目に割り当てられています。どちらかを別の項目にするか、「取り込まない」を選んでください。</translation>
    </message>
</context>
<context>
    <name>NewCustomerDialog</name>
    <message>
        <source>New customer</source>
        <extracomment>Contexts the core&apos;s validation messages are translated in, most likely first. Built-in fields in form order; memo is multi-line.</extracomment>
        <translation>新しいお客様</translation>
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
        <source>e.g. 山田 花子</source>
        <translation>例: 山田 花子</translation>
    </message>
    <message>
        <source>e.g. やまだ はなこ</source>
        <translation>例: やまだ はなこ</translation>
    </message>
    <message>
        <source>e.g. 090-1234-5678</source>
        <translation>例: 090-1234-5678</translation>
    </message>
    <message>
        <source>e.g. hanako@example.jp</source>
        <translation>例: hanako@example.jp</translation>
    </message>
    <message>
        <source>e.g. 150-0001</source>
        <translation>例: 150-0001</translation>
    </message>
    <message>
        <source>e.g. 1990-04-01 or 1990年4月1日</source>
        <translation>例: 1990-04-01 または 1990年4月1日</translation>
    </message>
    <message>
        <source>* required: it cannot be left empty</source>
        <translation>* は必須項目です(空欄にはできません)</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>追加する</translation>
    </message>
    <message>
        <source>Please type the customer&apos;s name.</source>
        <translation>お客様の氏名を入力してください。</translation>
    </message>
</context>
<context>
    <name>NewPassphraseDialog</name>
    <message>
        <source>New passphrase</source>
        <translation>新しいパスフレーズ</translation>
    </message>
    <message>
        <source>Please type the same passphrase of at least 8 characters twice.</source>
        <translation>8文字以上の同じパスフレーズを2回入力してください。</translation>
    </message>
</context>
<context>
    <name>NewPassphraseFields</name>
    <message>
        <source>Passphrase</source>
        <extracomment>With ``current_label``: a field for the passphrase in use, above the new one.</extracomment>
        <translation>パスフレーズ</translation>
    </message>
    <message>
        <source>Once more</source>
        <translation>もう一度</translation>
    </message>
    <message>
        <source>At least 8 characters. A short sentence only you know is easy to remember.</source>
        <translation>8文字以上。自分だけが知っている短い文にすると覚えやすくなります。</translation>
    </message>
    <message>
        <source>Too short: please use at least 8 characters.</source>
        <translation>短すぎます。8文字以上にしてください。</translation>
    </message>
    <message>
        <source>Long enough.</source>
        <translation>十分な長さです。</translation>
    </message>
    <message>
        <source>This is not the same as the first one.</source>
        <translation>1回目と一致しません。</translation>
    </message>
    <message>
        <source>Both are the same.</source>
        <translation>一致しています。</translation>
    </message>
</context>
<context>
    <name>PasswordField</name>
    <message>
        <source>Show</source>
        <extracomment>Kinds of message under a field (also set as the label&apos;s &quot;kind&quot; property for tests).</extracomment>
        <translation>表示する</translation>
    </message>
</context>
<context>
    <name>RecoveryCodeDialog</name>
    <message>
        <source>Recovery passphrase</source>
        <translation>回復用パスフレーズ</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>戻る</translation>
    </message>
    <message>
        <source>I have written it down</source>
        <translation>書き留めました</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>確認する</translation>
    </message>
</context>
<context>
    <name>RecoveryCodeView</name>
    <message>
        <source>Your recovery passphrase</source>
        <translation>あなたの回復用パスフレーズ</translation>
    </message>
    <message>
        <source>With this passphrase your customer book can be opened on another computer, or if the key on this computer is lost.

Write it on paper or print it now, and keep it somewhere safe, away from the computer. It is shown only this once: Otokui does not keep a copy it can show you again.

Next, you will type it back to check that it was written down correctly.</source>
        <translation>このパスフレーズがあれば、別のパソコンでも、このパソコンの鍵がなくなったときでも、顧客台帳を開けます。

今すぐ紙に書き写すか印刷して、パソコンから離れた安全な場所に保管してください。表示されるのはこの一度だけです。Otokuiは後から表示できる控えを持っていません。

次の画面で入力し直して、正しく書き留められたかを確かめます。</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>印刷…</translation>
    </message>
    <message>
        <source>Otokui recovery passphrase</source>
        <translation>Otokui 回復用パスフレーズ</translation>
    </message>
    <message>
        <source>Keep this paper somewhere safe. Anyone who has it and a copy of your customer book can open the book.</source>
        <translation>この紙は安全な場所に保管してください。この紙と顧客台帳の写しがあれば、誰でも台帳を開けてしまいます。</translation>
    </message>
</context>
<context>
    <name>RecoveryConfirm</name>
    <message>
        <source>Type the recovery passphrase back</source>
        <translation>回復用パスフレーズを入力してください</translation>
    </message>
    <message>
        <source>Type it from what you wrote down, not from memory. Capital or small letters, spaces and hyphens do not matter.</source>
        <translation>記憶ではなく、書き留めたものを見て入力してください。大文字・小文字、スペースやハイフンの違いは気にしなくて大丈夫です。</translation>
    </message>
    <message>
        <source>This is not the same as the recovery passphrase shown. Check what you wrote down, or go back to see it again.</source>
        <translation>表示した回復用パスフレーズと一致しません。書き留めたものを確かめるか、「戻る」でもう一度表示してください。</translation>
    </message>
</context>
<context>
    <name>RelayPage</name>
    <message>
        <source>1. The relay</source>
        <translation>1. 中継サーバー</translation>
    </message>
    <message>
        <source>The relay receives LINE&apos;s messages for your shop and keeps them, locked, until this computer collects them.</source>
        <translation>中継サーバーは、お店に届くLINEのメッセージを受け取り、このパソコンが取りに来るまで鍵をかけて預かります。</translation>
    </message>
    <message>
        <source>Pairing code</source>
        <translation>連携コード</translation>
    </message>
    <message>
        <source>On the relay&apos;s admin page, press 連携コードを発行する: it shows the relay&apos;s address and the code. A code works once, for 10 minutes.</source>
        <translation>中継サーバーの管理ページで「連携コードを発行する」を押すと、アドレスとコードが表示されます。コードは1回限り、10分間だけ使えます。</translation>
    </message>
    <message>
        <source>This customer book is already connected to this relay; no code is needed.</source>
        <translation>この顧客台帳はすでにこの中継サーバーに接続しています。コードは必要ありません。</translation>
    </message>
    <message>
        <source>Name of this computer</source>
        <translation>このパソコンの名前</translation>
    </message>
    <message>
        <source>The relay shows this name to tell your computers apart: use a place (“レジ横のPC”), not a person&apos;s name.</source>
        <translation>中継サーバーはパソコンを見分けるためにこの名前を表示します。人の名前ではなく、「レジ横のPC」のように場所で付けてください。</translation>
    </message>
    <message>
        <source>No relay yet? The guide “Connecting LINE” shows how to start one on a hosting service in a few clicks (free, or a few hundred yen a month), or ask whoever helps your shop with it.</source>
        <translation>中継サーバーがまだない場合は、説明書「LINEとつなぐ」の手順で、ホスティングサービスに数回のクリックで用意できます(無料、または月数百円)。お店のIT担当の方に頼むこともできます。</translation>
    </message>
    <message>
        <source>Relay address</source>
        <translation>中継サーバーのアドレス</translation>
    </message>
    <message>
        <source>Please enter the relay&apos;s address.</source>
        <translation>中継サーバーのアドレスを入力してください。</translation>
    </message>
    <message>
        <source>Please enter the pairing code from the relay&apos;s admin page.</source>
        <translation>中継サーバーの管理ページに表示された連携コードを入力してください。</translation>
    </message>
    <message>
        <source>Asking the relay…</source>
        <translation>中継サーバーに問い合わせています…</translation>
    </message>
</context>
<context>
    <name>ResultPage</name>
    <message>
        <source>Importing</source>
        <translation>取り込み</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>中止</translation>
    </message>
    <message>
        <source>Importing the customers…</source>
        <translation>お客様を取り込んでいます…</translation>
    </message>
    <message>
        <source>You can stop at any time: nothing is kept until the import is complete.</source>
        <translation>いつでも中止できます。取り込みが最後まで終わるまでは、何も保存されません。</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>問題</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>中止しています…</translation>
    </message>
    <message>
        <source>The import was stopped.</source>
        <translation>取り込みを中止しました。</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>何も取り込んでいません。</translation>
    </message>
    <message>
        <source>Imported: %1 new, %2 updated.</source>
        <translation>取り込みました: 新規 %1件、更新 %2件</translation>
    </message>
    <message numerus="yes">
        <source>%n row(s) skipped, written to %1: fix them there and import that file.</source>
        <translation>
            <numerusform>%n行を取り込まず、%1 に書き出しました。そのファイルで直して取り込んでください。</numerusform>
        </translation>
    </message>
    <message>
        <source>Some rows no longer fit the customer book, which changed since the check. Go through the import again to see them.</source>
        <translation>確認の後で顧客台帳が変わったため、合わなくなった行があります。もう一度取り込みの手順を進めて、内容を確かめてください。</translation>
    </message>
</context>
<context>
    <name>SetAsideDialog</name>
    <message>
        <source>Events not received</source>
        <translation>受信できなかったイベント</translation>
    </message>
    <message>
        <source>These came through the relay but were not added to the customer book. Select one to see what happened and what to do.</source>
        <translation>中継サーバーから届いたものの、顧客台帳に追加しなかったものです。選ぶと、何が起きたかと、どうすればよいかが表示されます。</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>受信日時</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>種類</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>状況</translation>
    </message>
    <message>
        <source>Clear this count</source>
        <translation>この件数を消す</translation>
    </message>
    <message>
        <source>Every event from LINE was added to the book.</source>
        <translation>LINEからのイベントはすべて台帳に追加されています。</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>もう一度試す</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>メッセージ</translation>
    </message>
    <message>
        <source>Friend added</source>
        <translation>友だち追加</translation>
    </message>
    <message>
        <source>Blocked</source>
        <comment>an event: the customer blocked the shop</comment>
        <translation>ブロック</translation>
    </message>
    <message>
        <source>Message taken back</source>
        <translation>送信取消</translation>
    </message>
    <message>
        <source>Message edited</source>
        <translation>メッセージの編集</translation>
    </message>
    <message>
        <source>Button</source>
        <translation>ボタン操作</translation>
    </message>
    <message>
        <source>Delivery from LINE</source>
        <translation>LINEからの配信</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <source>Not signed by LINE: not applied</source>
        <translation>LINEの署名を確認できず、未反映</translation>
    </message>
    <message>
        <source>Could not be opened</source>
        <translation>開けませんでした</translation>
    </message>
    <message>
        <source>Could not be added</source>
        <translation>追加できませんでした</translation>
    </message>
    <message>
        <source>%1 added to the book; %2 still could not be.</source>
        <translation>%1 件を台帳に追加しました。%2 件はまだ追加できません。</translation>
    </message>
    <message>
        <source>Dismiss %1 item(s)? What they hold is deleted from this computer.</source>
        <translation>%1 件を削除しますか?中身はこのパソコンから消去されます。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>General</source>
        <translation>一般</translation>
    </message>
    <message>
        <source>Key and passphrase</source>
        <translation>鍵とパスフレーズ</translation>
    </message>
    <message>
        <source>The new language is used the next time Otokui starts.</source>
        <translation>言語の変更は、Otokuiを次に起動したときに反映されます。</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>しない</translation>
    </message>
    <message>
        <source>When Otokui is not used for this long, the customer book is locked and its content hidden until it is unlocked. 0 means never.</source>
        <translation>この時間Otokuiを操作しないと、顧客台帳をロックし、ロックを解除するまで内容を隠します。0にするとロックしません。</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <source>Lock automatically after</source>
        <translation>自動ロックまでの時間</translation>
    </message>
    <message>
        <source>Where the key is kept</source>
        <translation>鍵の保管</translation>
    </message>
    <message>
        <source>Change the passphrase</source>
        <translation>パスフレーズの変更</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>新しいパスフレーズ</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>変更する</translation>
    </message>
    <message>
        <source>Current passphrase</source>
        <translation>今のパスフレーズ</translation>
    </message>
    <message>
        <source>LINE</source>
        <translation>LINE</translation>
    </message>
    <message>
        <source>Recovery passphrase</source>
        <translation>回復用パスフレーズ</translation>
    </message>
    <message>
        <source>The key is kept in this computer&apos;s password store: the customer book opens without a passphrase when you are signed in.</source>
        <translation>鍵はこのパソコンのパスワード保管庫に保管しています。サインインしていれば、パスフレーズなしで顧客台帳が開きます。</translation>
    </message>
    <message>
        <source>Protect with a passphrase instead…</source>
        <translation>パスフレーズで守るように切り替える…</translation>
    </message>
    <message>
        <source>The customer book is protected by a passphrase, typed each time Otokui starts.</source>
        <translation>顧客台帳はパスフレーズで守られています。Otokuiを起動するたびに入力します。</translation>
    </message>
    <message>
        <source>Keep the key on this computer instead…</source>
        <translation>このパソコンに鍵を保管するように切り替える…</translation>
    </message>
    <message>
        <source>A recovery passphrase is set. Make a new one if the paper was lost; the old one then stops working.</source>
        <translation>回復用パスフレーズは設定済みです。書き留めた紙をなくしたときは作り直してください。以前のものは使えなくなります。</translation>
    </message>
    <message>
        <source>Make a new recovery passphrase…</source>
        <translation>回復用パスフレーズを作り直す…</translation>
    </message>
    <message>
        <source>There is no recovery passphrase yet. With one, the book can be opened on another computer or if the key here is lost.</source>
        <translation>回復用パスフレーズはまだありません。作っておくと、別のパソコンでも、このパソコンの鍵がなくなったときでも台帳を開けます。</translation>
    </message>
    <message>
        <source>Make a recovery passphrase…</source>
        <translation>回復用パスフレーズを作る…</translation>
    </message>
    <message>
        <source>Reading the key…</source>
        <translation>鍵を読み込んでいます…</translation>
    </message>
    <message>
        <source>From now on, Otokui asks this passphrase each time it starts. The key is removed from this computer&apos;s password store.</source>
        <translation>これからは、Otokuiを起動するたびにこのパスフレーズを入力します。鍵はこのパソコンのパスワード保管庫から削除します。</translation>
    </message>
    <message>
        <source>Switching…</source>
        <translation>切り替えています…</translation>
    </message>
    <message>
        <source>Done: the customer book is now protected by your passphrase.</source>
        <translation>切り替えました。顧客台帳はパスフレーズで守られています。</translation>
    </message>
    <message>
        <source>This computer has no password store Otokui can use. The book stays protected by its passphrase.</source>
        <translation>このパソコンにはOtokuiが使えるパスワード保管庫がありません。台帳は引き続きパスフレーズで守られます。</translation>
    </message>
    <message>
        <source>Done: the key is kept on this computer. No passphrase is asked any more.</source>
        <translation>切り替えました。鍵はこのパソコンに保管され、パスフレーズの入力は不要になりました。</translation>
    </message>
    <message>
        <source>To keep the key on this computer, type your current passphrase.</source>
        <translation>鍵をこのパソコンに保管するには、今のパスフレーズを入力してください。</translation>
    </message>
    <message>
        <source>Please type your current passphrase.</source>
        <translation>今のパスフレーズを入力してください。</translation>
    </message>
    <message>
        <source>Please type the same new passphrase of at least 8 characters twice.</source>
        <translation>8文字以上の同じ新しいパスフレーズを2回入力してください。</translation>
    </message>
    <message>
        <source>The current passphrase is wrong. Please type it again.</source>
        <translation>今のパスフレーズが違います。もう一度入力してください。</translation>
    </message>
    <message>
        <source>Changing the passphrase…</source>
        <translation>パスフレーズを変更しています…</translation>
    </message>
    <message>
        <source>Done: use the new passphrase from now on.</source>
        <translation>変更しました。これからは新しいパスフレーズを使ってください。</translation>
    </message>
    <message>
        <source>Make a new recovery passphrase? The one you wrote down before will stop working.</source>
        <translation>回復用パスフレーズを作り直しますか？以前に書き留めたものは使えなくなります。</translation>
    </message>
    <message>
        <source>No recovery passphrase was saved.</source>
        <translation>回復用パスフレーズは保存しませんでした。</translation>
    </message>
    <message>
        <source>Saving the recovery passphrase…</source>
        <translation>回復用パスフレーズを保存しています…</translation>
    </message>
    <message>
        <source>Done: keep the recovery passphrase somewhere safe.</source>
        <translation>保存しました。回復用パスフレーズは安全な場所に保管してください。</translation>
    </message>
    <message>
        <source>To make a recovery passphrase, type your current passphrase.</source>
        <translation>回復用パスフレーズを作るには、今のパスフレーズを入力してください。</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <source>Otokui</source>
        <translation>Otokui</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
</context>
<context>
    <name>UnlockWidget</name>
    <message>
        <source>Opening the customer book…</source>
        <translation>顧客台帳を開いています…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>開く</translation>
    </message>
    <message>
        <source>The customer book is locked</source>
        <translation>顧客台帳はロックされています</translation>
    </message>
    <message>
        <source>Type your passphrase</source>
        <translation>パスフレーズを入力してください</translation>
    </message>
    <message>
        <source>Your customer book is protected by a passphrase. Type it to open the book. A recovery passphrase works too.</source>
        <translation>顧客台帳はパスフレーズで守られています。入力すると台帳が開きます。回復用パスフレーズでも開けます。</translation>
    </message>
    <message>
        <source>Open with your recovery passphrase</source>
        <translation>回復用パスフレーズで開いてください</translation>
    </message>
    <message>
        <source>The key of your customer book was kept in a different password store than the one this computer uses now, so it cannot be opened by itself.</source>
        <translation>顧客台帳の鍵は、このパソコンが今使っているものとは別のパスワード保管庫に保管されていたため、自動では開けません。</translation>
    </message>
    <message>
        <source>The password store of this computer does not answer.</source>
        <translation>このパソコンのパスワード保管庫が応答しません。</translation>
    </message>
    <message>
        <source>The key of your customer book is no longer in this computer&apos;s password store, so it cannot be opened by itself.</source>
        <translation>このパソコンのパスワード保管庫に顧客台帳の鍵が見つからないため、自動では開けません。</translation>
    </message>
    <message>
        <source>Type the recovery passphrase you wrote down when the book was made. Your customers&apos; data is safe; nothing has been changed.</source>
        <translation>台帳を作ったときに書き留めた回復用パスフレーズを入力してください。お客様のデータは無事です。何も変更していません。</translation>
    </message>
    <message>
        <source>Please type the passphrase.</source>
        <translation>パスフレーズを入力してください。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>確認しています…</translation>
    </message>
    <message>
        <source>The passphrase is wrong. Please type it again.</source>
        <translation>パスフレーズが違います。もう一度入力してください。</translation>
    </message>
</context>
<context>
    <name>WelcomeDialog</name>
    <message>
        <source>Welcome to Otokui</source>
        <translation>Otokui へようこそ</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>戻る</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>次へ</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Otokui keeps the customer book of your LINE Official Account on this computer, encrypted. Nothing is sent anywhere unless you choose to.</source>
        <translation>Otokuiは、LINE公式アカウントのお客様の台帳を、このパソコンの中に暗号化して保管します。あなたが選ばない限り、どこにも送信しません。</translation>
    </message>
    <message>
        <source>Create a new customer book</source>
        <translation>新しい顧客台帳を作る</translation>
    </message>
    <message>
        <source>Start here if this is your first time.</source>
        <translation>はじめての方はこちら。</translation>
    </message>
    <message>
        <source>Restore from a backup</source>
        <translation>バックアップから復元</translation>
    </message>
    <message>
        <source>Bring back a customer book from a backup file you saved before.</source>
        <translation>以前に保存したバックアップファイルから顧客台帳を戻します。</translation>
    </message>
    <message>
        <source>Try the demo</source>
        <translation>デモを試す</translation>
    </message>
    <message>
        <source>Look around with made-up customers. Your own book is not touched.</source>
        <translation>架空のお客様で使い方を試せます。あなたの台帳には触れません。</translation>
    </message>
    <message>
        <source>How should the customer book be protected?</source>
        <translation>顧客台帳の守り方を選んでください</translation>
    </message>
    <message>
        <source>Keep the key on this computer (recommended)</source>
        <translation>このパソコンに鍵を保管 (おすすめ)</translation>
    </message>
    <message>
        <source>The book opens when you sign in to this computer. There is no passphrase to remember. The key is kept in the computer&apos;s own password store.</source>
        <translation>このパソコンにサインインしていれば台帳が開きます。覚えるパスフレーズはありません。鍵はパソコンのパスワード保管庫に保管します。</translation>
    </message>
    <message>
        <source>Protect it with a passphrase</source>
        <translation>パスフレーズで守る</translation>
    </message>
    <message>
        <source>You type the passphrase each time Otokui starts. Choose this if others use this computer with the same sign-in.</source>
        <translation>Otokuiを起動するたびにパスフレーズを入力します。同じサインインでこのパソコンをほかの人も使う場合はこちらを選んでください。</translation>
    </message>
    <message>
        <source>Make a recovery passphrase (recommended)</source>
        <translation>回復用パスフレーズを作る (おすすめ)</translation>
    </message>
    <message>
        <source>For the day this computer breaks or you move to a new one: a passphrase made for you, to write down and keep safe.</source>
        <translation>パソコンが壊れたときや買い替えたときのための、Otokuiが作るパスフレーズです。書き留めて大切に保管します。</translation>
    </message>
    <message>
        <source>Choose the backup file (.otkb). It is checked completely before anything is restored.</source>
        <translation>バックアップファイル(.otkb)を選んでください。復元の前に、ファイル全体を確認します。</translation>
    </message>
    <message>
        <source>No file chosen</source>
        <translation>ファイルが選ばれていません</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>選ぶ…</translation>
    </message>
    <message>
        <source>If the backup was made on another computer, type the book&apos;s passphrase or its recovery passphrase. On the computer that made it, you can leave this empty.</source>
        <translation>別のパソコンで作ったバックアップの場合は、台帳のパスフレーズか回復用パスフレーズを入力してください。作ったパソコンで復元する場合は空欄のままで構いません。</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>パスフレーズ</translation>
    </message>
    <message>
        <source>I have written it down</source>
        <translation>書き留めました</translation>
    </message>
    <message>
        <source>Create the customer book</source>
        <translation>顧客台帳を作る</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>復元する</translation>
    </message>
    <message>
        <source>This computer has no password store Otokui can use, so the key cannot be kept on it. Please protect the book with a passphrase instead.</source>
        <translation>このパソコンにはOtokuiが使えるパスワード保管庫がないため、鍵を保管できません。かわりにパスフレーズで台帳を守ってください。</translation>
    </message>
    <message>
        <source>Please type the same passphrase of at least 8 characters twice.</source>
        <translation>8文字以上の同じパスフレーズを2回入力してください。</translation>
    </message>
    <message>
        <source>Creating your customer book…</source>
        <translation>顧客台帳を作っています…</translation>
    </message>
    <message>
        <source>Choose a backup file</source>
        <translation>バックアップファイルを選ぶ</translation>
    </message>
    <message>
        <source>Otokui backups (*.otkb);;All files (*)</source>
        <translation>Otokuiのバックアップ (*.otkb);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Reading the backup…</source>
        <translation>バックアップを読み込んでいます…</translation>
    </message>
    <message>
        <source>Backup made on %1: %2 customers, %3 attachments.</source>
        <translation>%1 に作成したバックアップ: お客様 %2人、添付ファイル %3件</translation>
    </message>
    <message>
        <source>Checking and restoring the backup…</source>
        <translation>バックアップを確認して復元しています…</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>中止</translation>
    </message>
    <message>
        <source>The restore was stopped. Nothing was changed.</source>
        <translation>復元を中止しました。何も変更していません。</translation>
    </message>
    <message>
        <source>This backup needs its passphrase. Please type it.</source>
        <translation>このバックアップにはパスフレーズが必要です。入力してください。</translation>
    </message>
    <message>
        <source>The passphrase is wrong. Please type it again.</source>
        <translation>パスフレーズが違います。もう一度入力してください。</translation>
    </message>
</context>
<context>
    <name>_Checked</name>
    <message>
        <source>Something unexpected went wrong. Please try again.</source>
        <translation>思いがけない問題が起きました。もう一度お試しください。</translation>
    </message>
</context>
</TS>
