<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AutomationIntegration</name>
    <message>
        <source>&amp;Rules…</source>
        <extracomment>How often the due steps are sent while the app is open. How long after the owner&apos;s edits the rules act on them (edits come in bursts).</extracomment>
        <translation>ルール(&amp;R)…</translation>
    </message>
    <message>
        <source>Automation: tags, replies and step sequences done by themselves when friends follow, write or tap</source>
        <translation>自動化: 友だち追加・メッセージ・ボタンのタップに応じて、タグ付け・返信・ステップ配信を自動で行います</translation>
    </message>
    <message>
        <source>&amp;Step sequences…</source>
        <translation>ステップ配信(&amp;S)…</translation>
    </message>
    <message>
        <source>Messages sent to each friend at set times after they start (ステップ配信), and who is where</source>
        <translation>開始から決まった時間ごとに友だちへ届くメッセージ(ステップ配信)と、だれがどこまで進んだか</translation>
    </message>
    <message>
        <source>Connect LINE first (Settings → LINE): steps are sent from there.</source>
        <translation>先に LINE に接続してください(設定 → LINE)。ステップはそこから送信されます。</translation>
    </message>
    <message>
        <source>Sent %1, failed %2, stopped %3, finished %4.</source>
        <translation>送信 %1、失敗 %2、停止 %3、完了 %4。</translation>
    </message>
    <message>
        <source>LINE could not take more now; the rest is sent at the next run.</source>
        <translation>LINE がいまはこれ以上受け付けません。残りは次の回に送信します。</translation>
    </message>
</context>
<context>
    <name>AutomationTimeline</name>
    <message>
        <source>Rule 「%1」 added the tag 「%2」</source>
        <translation>ルール「%1」でタグ「%2」を追加</translation>
    </message>
    <message>
        <source>Rule 「%1」 removed the tag 「%2」</source>
        <translation>ルール「%1」でタグ「%2」を外しました</translation>
    </message>
    <message>
        <source>Rule 「%1」 set the field 「%2」</source>
        <translation>ルール「%1」で項目「%2」を設定</translation>
    </message>
    <message>
        <source>Rule 「%1」 added %2 points to 「%3」</source>
        <translation>ルール「%1」で「%3」に %2 ポイント</translation>
    </message>
    <message>
        <source>Rule 「%1」 sent a message</source>
        <translation>ルール「%1」でメッセージを送信</translation>
    </message>
    <message>
        <source>Rule 「%1」 changed the chat&apos;s status</source>
        <translation>ルール「%1」でチャットの状態を変更</translation>
    </message>
    <message>
        <source>Rule 「%1」 notified you: %2</source>
        <translation>ルール「%1」のお知らせ: %2</translation>
    </message>
    <message>
        <source>Rule 「%1」 started the step sequence 「%2」</source>
        <translation>ルール「%1」でステップ配信「%2」を開始</translation>
    </message>
    <message>
        <source>Rule 「%1」 stopped the step sequence 「%2」</source>
        <translation>ルール「%1」でステップ配信「%2」を停止</translation>
    </message>
    <message>
        <source>Rule 「%1」 acted</source>
        <translation>ルール「%1」が動作しました</translation>
    </message>
    <message>
        <source>Step sequence 「%1」 started</source>
        <translation>ステップ配信「%1」を開始</translation>
    </message>
    <message>
        <source>Step sequence 「%1」: step %2 sent</source>
        <translation>ステップ配信「%1」: %2通目を送信</translation>
    </message>
    <message>
        <source>Step sequence 「%1」: step %2 could not be sent</source>
        <translation>ステップ配信「%1」: %2通目を送信できませんでした</translation>
    </message>
    <message>
        <source>Step sequence 「%1」 stopped (%2)</source>
        <translation>ステップ配信「%1」を停止(%2)</translation>
    </message>
    <message>
        <source>Step sequence 「%1」 stopped</source>
        <translation>ステップ配信「%1」を停止</translation>
    </message>
    <message>
        <source>Coupon %1 issued (%2)</source>
        <translation>クーポン %1 を発行(%2)</translation>
    </message>
    <message>
        <source>Coupon %1 used (%2)</source>
        <translation>クーポン %1 を使用(%2)</translation>
    </message>
</context>
<context>
    <name>BirthdayDialog</name>
    <message>
        <source>Birthday messages</source>
        <translation>誕生日メッセージ</translation>
    </message>
    <message>
        <source>Send a birthday message to each friend</source>
        <translation>友だちそれぞれの誕生日にメッセージを送る</translation>
    </message>
    <message>
        <source>On the birthday</source>
        <translation>誕生日当日</translation>
    </message>
    <message>
        <source>Days before the birthday</source>
        <translation>誕生日より前(日数)</translation>
    </message>
    <message>
        <source>{クーポン} becomes a coupon code of the friend&apos;s own; {名前} their name. The owner marks a coupon used with 使う in the customer&apos;s details.</source>
        <translation>{クーポン} はその友だちだけのクーポンコードに、{名前} はお名前になります。使われたクーポンは、お客様の詳細の「使う」で記録します。</translation>
    </message>
    <message>
        <source> days</source>
        <translation>日</translation>
    </message>
    <message>
        <source>Send on</source>
        <translation>送る日</translation>
    </message>
    <message>
        <source>At (Japan time)</source>
        <translation>時刻(日本時間)</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>メッセージ</translation>
    </message>
    <message>
        <source>Coupon valid for</source>
        <translation>クーポンの有効期間</translation>
    </message>
    <message>
        <source>Write the birthday message.</source>
        <translation>誕生日メッセージの本文を入力してください。</translation>
    </message>
</context>
<context>
    <name>CouponsBox</name>
    <message>
        <source>Coupons</source>
        <translation>クーポン</translation>
    </message>
    <message>
        <source>used</source>
        <translation>使用済み</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>期限切れ</translation>
    </message>
    <message>
        <source>until %1</source>
        <translation>%1まで</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>使う</translation>
    </message>
    <message>
        <source>Mark this coupon used (at the till)</source>
        <translation>このクーポンを使用済みにします(お会計のとき)</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <source>Open the customer</source>
        <translation>お客様を開く</translation>
    </message>
    <message>
        <source>Mark as seen</source>
        <translation>確認済みにする</translation>
    </message>
    <message>
        <source>Mark all as seen</source>
        <translation>すべて確認済みにする</translation>
    </message>
    <message>
        <source>Notice from a rule: %1 — %2</source>
        <translation>ルールからのお知らせ: %1さん — %2</translation>
    </message>
    <message>
        <source>Rule “%1”, %2</source>
        <translation>ルール「%1」・%2</translation>
    </message>
    <message>
        <source>%1 more</source>
        <translation>ほか %1 件</translation>
    </message>
</context>
<context>
    <name>ProgressModel</name>
    <message>
        <source>Friend</source>
        <translation>友だち</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Steps sent</source>
        <translation>送信済みのステップ</translation>
    </message>
    <message>
        <source>Next step at</source>
        <translation>次のステップの日時</translation>
    </message>
    <message>
        <source>Why it stopped</source>
        <translation>停止の理由</translation>
    </message>
</context>
<context>
    <name>RuleEditor</name>
    <message>
        <source>The rule could not be saved. Try again in a moment.</source>
        <translation>ルールを保存できませんでした。少し待ってからもう一度お試しください。</translation>
    </message>
    <message>
        <source>A friend follows the shop</source>
        <extracomment>The built-in fields&apos; labels are the detail pane&apos;s (one translation for each).</extracomment>
        <translation>友だち追加されたとき</translation>
    </message>
    <message>
        <source>A message contains keywords</source>
        <translation>メッセージにキーワードが含まれるとき</translation>
    </message>
    <message>
        <source>A button is tapped (postback)</source>
        <translation>ボタンがタップされたとき(ポストバック)</translation>
    </message>
    <message>
        <source>A form is answered</source>
        <translation>フォームに回答されたとき</translation>
    </message>
    <message>
        <source>A tag is added</source>
        <translation>タグが付いたとき</translation>
    </message>
    <message>
        <source>A tag is removed</source>
        <translation>タグが外れたとき</translation>
    </message>
    <message>
        <source>A field changes</source>
        <translation>項目が変わったとき</translation>
    </message>
    <message>
        <source>A date comes (birthday or a date field)</source>
        <translation>日付が来たとき(誕生日・日付の項目)</translation>
    </message>
    <message>
        <source>A friend blocks the shop</source>
        <translation>ブロックされたとき</translation>
    </message>
    <message>
        <source>Also when a friend unblocks the shop</source>
        <translation>ブロック解除されたときも</translation>
    </message>
    <message>
        <source>For example: 予約, よやく (separate with commas)</source>
        <translation>例: 予約, よやく (カンマで区切る)</translation>
    </message>
    <message>
        <source>Any of the keywords</source>
        <translation>どれかのキーワード</translation>
    </message>
    <message>
        <source>All of the keywords</source>
        <translation>すべてのキーワード</translation>
    </message>
    <message>
        <source>Keywords</source>
        <translation>キーワード</translation>
    </message>
    <message>
        <source>Match</source>
        <translation>一致のしかた</translation>
    </message>
    <message>
        <source>Button data</source>
        <translation>ボタンのデータ</translation>
    </message>
    <message>
        <source>Any answer</source>
        <translation>どの回答でも</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>フォーム</translation>
    </message>
    <message>
        <source>Only when this choice is picked</source>
        <translation>この選択肢が選ばれたときだけ</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>タグ</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>項目</translation>
    </message>
    <message>
        <source>On the date</source>
        <translation>当日</translation>
    </message>
    <message>
        <source>Days before the date</source>
        <translation>日付より前(日数)</translation>
    </message>
    <message>
        <source>Days after the date</source>
        <translation>日付より後(日数)</translation>
    </message>
    <message>
        <source>Every year on the date</source>
        <translation>毎年その日付に</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <source>Fires</source>
        <translation>実行日</translation>
    </message>
    <message>
        <source>At (Japan time)</source>
        <translation>時刻(日本時間)</translation>
    </message>
    <message>
        <source>Every customer</source>
        <translation>すべてのお客様</translation>
    </message>
    <message>
        <source>Customers in a saved segment</source>
        <translation>保存したセグメントのお客様</translation>
    </message>
    <message>
        <source>Customers matching these conditions</source>
        <translation>次の条件に合うお客様</translation>
    </message>
    <message>
        <source>Add photos…</source>
        <translation>写真を追加…</translation>
    </message>
    <message>
        <source>JPEG or PNG photos of at most 1 MB, sent after the text</source>
        <translation>JPEG か PNG の写真(1枚 1 MB まで)。本文のあとに送ります</translation>
    </message>
    <message>
        <source>Remove photo</source>
        <translation>写真を外す</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>写真</translation>
    </message>
    <message>
        <source>Add a tag</source>
        <translation>タグを付ける</translation>
    </message>
    <message>
        <source>Remove a tag</source>
        <translation>タグを外す</translation>
    </message>
    <message>
        <source>Set a field</source>
        <translation>項目を設定する</translation>
    </message>
    <message>
        <source>Add points</source>
        <translation>ポイントを加算</translation>
    </message>
    <message>
        <source>Send a message</source>
        <translation>メッセージを送る</translation>
    </message>
    <message>
        <source>Set the chat&apos;s status</source>
        <translation>チャットの状態を変える</translation>
    </message>
    <message>
        <source>Notify me</source>
        <translation>自分に知らせる</translation>
    </message>
    <message>
        <source>Start a step sequence</source>
        <translation>ステップ配信を開始する</translation>
    </message>
    <message>
        <source>Stop a step sequence</source>
        <translation>ステップ配信を停止する</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>値</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>ポイント</translation>
    </message>
    <message>
        <source>For example: {名前}様、友だち追加ありがとうございます！</source>
        <translation>例: {名前}様、友だち追加ありがとうございます！</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>メッセージ</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>写真</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>お知らせの文</translation>
    </message>
    <message>
        <source>Step sequence</source>
        <translation>ステップ配信</translation>
    </message>
    <message>
        <source>Remove this action</source>
        <translation>この動作を削除</translation>
    </message>
    <message>
        <source>For example: 友だち追加のあいさつ</source>
        <translation>例: 友だち追加のあいさつ</translation>
    </message>
    <message>
        <source>Add action</source>
        <translation>動作を追加</translation>
    </message>
    <message>
        <source>Reply at once through the relay&apos;s autopilot, also while this computer is off</source>
        <translation>自動応答（オートパイロット）で中継サーバーからすぐ返信する（このパソコンが切れていても）</translation>
    </message>
    <message>
        <source>For a greeting or a keyword reply with one text message (only {表示名} filled in). Used while the autopilot is on (Settings → LINE); the relay then sends the message with the free reply, and this computer does the rule&apos;s other actions when it syncs.</source>
        <translation>友だち追加のあいさつやキーワードへの返信で、メッセージがテキスト1通（差し込みは{表示名}だけ）のルールに使えます。自動応答がオンのとき（設定 → LINE）、中継サーバーが無料の応答メッセージで送り、ルールのほかの動作はこのパソコンが同期したときに行います。</translation>
    </message>
    <message>
        <source>Rule name</source>
        <translation>ルール名</translation>
    </message>
    <message>
        <source>Trigger (When)</source>
        <translation>きっかけ(いつ)</translation>
    </message>
    <message>
        <source>Condition (If)</source>
        <translation>条件(だれに)</translation>
    </message>
    <message>
        <source>Actions (Then)</source>
        <translation>動作(なにをする)</translation>
    </message>
</context>
<context>
    <name>RuleError</name>
    <message>
        <source>A photo of this rule&apos;s message is missing from the book.</source>
        <translation>このルールのメッセージの写真が顧客台帳から見つかりません。</translation>
    </message>
    <message>
        <source>Open the rule, add the photo again and save it.</source>
        <translation>ルールを開いて写真を追加し直し、保存してください。</translation>
    </message>
    <message>
        <source>A keyword rule needs at least one keyword.</source>
        <translation>キーワードのルールには、キーワードが1つ以上必要です。</translation>
    </message>
    <message>
        <source>This rule&apos;s When is not one Otokui knows.</source>
        <translation>このルールのきっかけ(いつ)は、Otokui が知らないものです。</translation>
    </message>
    <message>
        <source>This rule has an action Otokui does not know.</source>
        <translation>このルールには、Otokui が知らない動作があります。</translation>
    </message>
    <message>
        <source>A rule needs at least one action.</source>
        <translation>ルールには、動作が1つ以上必要です。</translation>
    </message>
    <message>
        <source>A rule needs a name.</source>
        <translation>ルールには名前が必要です。</translation>
    </message>
    <message>
        <source>Another rule already has this name.</source>
        <translation>同じ名前のルールがすでにあります。</translation>
    </message>
    <message>
        <source>There is no tag with this name.</source>
        <translation>この名前のタグはありません。</translation>
    </message>
    <message>
        <source>There is no field with this name.</source>
        <translation>この名前の項目はありません。</translation>
    </message>
    <message>
        <source>There is no saved segment with this name.</source>
        <translation>この名前の保存したセグメントはありません。</translation>
    </message>
    <message>
        <source>Points can only be added to a number or points field.</source>
        <translation>ポイントを足せるのは、数値またはポイントの項目だけです。</translation>
    </message>
    <message>
        <source>A value in this rule is missing or not valid.</source>
        <translation>このルールの値が足りないか、正しくありません。</translation>
    </message>
    <message>
        <source>These rules would trigger each other in a loop.</source>
        <translation>これらのルールはお互いを呼び出し続けてしまいます(ループ)。</translation>
    </message>
    <message>
        <source>The chat status must be open, in_progress or done.</source>
        <translation>チャットの状態は open(未対応)、in_progress(対応中)、done(対応済み)のどれかにしてください。</translation>
    </message>
    <message>
        <source>A rule file holds one JSON object.</source>
        <translation>ルールのファイルには、JSON のオブジェクトを1つだけ書いてください。</translation>
    </message>
    <message>
        <source>There is no step sequence with this name.</source>
        <translation>この名前のステップ配信はありません。</translation>
    </message>
    <message>
        <source>A message to send needs a text.</source>
        <translation>送るメッセージには本文が必要です。</translation>
    </message>
    <message>
        <source>A message to send needs a text or a photo.</source>
        <translation>送るメッセージには本文か写真が必要です。</translation>
    </message>
    <message>
        <source>A message can have at most five bubbles (LINE&apos;s limit): the text counts as one, each photo as one. Remove some photos.</source>
        <translation>1回のメッセージは吹き出し5つまでです(LINE の上限)。本文で1つ、写真1枚ごとに1つ数えます。写真を減らしてください。</translation>
    </message>
    <message>
        <source>The photos of a message must be a list of JPEG or PNG files.</source>
        <translation>メッセージの写真は JPEG か PNG のファイルを並べて指定してください。</translation>
    </message>
    <message>
        <source>A photo of this message is no longer in the book. Add the photo again.</source>
        <translation>このメッセージの写真はもう顧客台帳にありません。写真を追加し直してください。</translation>
    </message>
    <message>
        <source>A rule&apos;s photo can be at most 1 MB (LINE needs a preview, which a rule cannot make). Choose a smaller photo.</source>
        <translation>ルールで送る写真は 1 MB までです(LINE には縮小版が必要で、ルールでは作れません)。もっと小さい写真を選んでください。</translation>
    </message>
    <message>
        <source>A date rule needs the birthday or a date field.</source>
        <translation>日付のルールには誕生日か日付の項目が必要です。</translation>
    </message>
    <message>
        <source>Only a greeting for every new friend or a keyword reply (at most 20 keywords) can be answered at once by the relay. Turn off the instant reply for this rule.</source>
        <translation>中継サーバーがすぐ返信できるのは、すべての友だち追加へのあいさつか、キーワード（20個まで）への返信だけです。このルールの「すぐ返信する」をオフにしてください。</translation>
    </message>
    <message>
        <source>The relay cannot check a segment. Remove the If, or turn off the instant reply.</source>
        <translation>中継サーバーはセグメントを確かめられません。条件（If）を外すか、「すぐ返信する」をオフにしてください。</translation>
    </message>
    <message>
        <source>An instant reply sends exactly one message. Keep one message, or turn off the instant reply.</source>
        <translation>すぐ返信するルールが送るメッセージは1通だけです。メッセージを1つにするか、「すぐ返信する」をオフにしてください。</translation>
    </message>
    <message>
        <source>An instant reply is a text without photos, and may only fill in the friend&apos;s LINE name ({表示名}): the relay knows nothing else about friends. Change the message, or turn off the instant reply.</source>
        <translation>すぐ返信するメッセージは写真なしのテキストで、差し込めるのは友だちのLINEの表示名（{表示名}）だけです（中継サーバーは友だちのほかの情報を知りません）。メッセージを変えるか、「すぐ返信する」をオフにしてください。</translation>
    </message>
    <message>
        <source>A tag it uses was deleted.</source>
        <translation>使っているタグが削除されました。</translation>
    </message>
    <message>
        <source>A field it uses was deleted.</source>
        <translation>使っている項目が削除されました。</translation>
    </message>
    <message>
        <source>The segment it uses was deleted.</source>
        <translation>使っているセグメントが削除されました。</translation>
    </message>
    <message>
        <source>The form it uses was deleted.</source>
        <translation>使っているフォームが削除されました。</translation>
    </message>
    <message>
        <source>The step sequence it uses was deleted.</source>
        <translation>使っているステップ配信が削除されました。</translation>
    </message>
</context>
<context>
    <name>RuleNotices</name>
    <message>
        <source>You have a notice from a rule</source>
        <translation>ルールからのお知らせがあります</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <comment>a notice: the customer&apos;s name, the text</comment>
        <translation>%1さん — %2</translation>
    </message>
    <message>
        <source>Notice from a rule</source>
        <translation>ルールからのお知らせ</translation>
    </message>
</context>
<context>
    <name>RulesModel</name>
    <message>
        <source>On</source>
        <translation>オン</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>ルール</translation>
    </message>
    <message>
        <source>Fired</source>
        <translation>実行回数</translation>
    </message>
    <message>
        <source>Trigger (When)</source>
        <translation>きっかけ(いつ)</translation>
    </message>
    <message>
        <source>Actions done</source>
        <translation>動作回数</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>問題</translation>
    </message>
    <message>
        <source>This rule does not run: %1</source>
        <translation>このルールは動きません: %1</translation>
    </message>
</context>
<context>
    <name>RulesWindow</name>
    <message>
        <source>Rules</source>
        <translation>ルール</translation>
    </message>
    <message>
        <source>New rule</source>
        <extracomment>The rule in the editor (None: a new one, not saved yet).</extracomment>
        <translation>新しいルール</translation>
    </message>
    <message>
        <source>Delete rule</source>
        <translation>ルールを削除</translation>
    </message>
    <message>
        <source>Save rule</source>
        <translation>ルールを保存</translation>
    </message>
    <message>
        <source>Try on the selected customer</source>
        <translation>選択したお客様で試す</translation>
    </message>
    <message>
        <source>Shows what this rule would do for the customer selected in the customer list, if its When happened now. Nothing is changed or sent.</source>
        <translation>お客様の一覧で選択したお客様に、いまきっかけが起きたらこのルールが何をするかを表示します。変更や送信は何もしません。</translation>
    </message>
    <message>
        <source>This rule does not run: %1</source>
        <translation>このルールは動きません: %1</translation>
    </message>
    <message>
        <source>Delete the rule 「%1」? Its counts are deleted with it.</source>
        <translation>ルール「%1」を削除しますか？回数の記録も削除されます。</translation>
    </message>
    <message>
        <source>A condition of the If is not complete: fill it in or remove it.</source>
        <translation>条件(だれに)に未入力のものがあります。入力するか削除してください。</translation>
    </message>
    <message>
        <source>Select one customer in the customer list, then try again.</source>
        <translation>お客様の一覧で1人を選択してから、もう一度お試しください。</translation>
    </message>
    <message>
        <source>For %1 this rule would do nothing: the customer does not match its If.</source>
        <translation>%1 様には何もしません(条件に合いません)。</translation>
    </message>
    <message>
        <source>For %1 this rule would do (nothing has been done):</source>
        <translation>%1 様にはこのルールが次のことをします(まだ何もしていません):</translation>
    </message>
</context>
<context>
    <name>SequenceProgress</name>
    <message>
        <source>Running</source>
        <translation>配信中</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Got a stop tag</source>
        <translation>停止のタグが付いた</translation>
    </message>
    <message>
        <source>Blocked the shop</source>
        <translation>ブロックされた</translation>
    </message>
    <message>
        <source>Replied</source>
        <translation>返信があった</translation>
    </message>
    <message>
        <source>Stopped by hand</source>
        <translation>手で停止</translation>
    </message>
    <message>
        <source>No longer a LINE friend</source>
        <translation>LINEの友だちではなくなりました</translation>
    </message>
</context>
<context>
    <name>SequencesModel</name>
    <message>
        <source>Step sequence</source>
        <translation>ステップ配信</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>ステップ</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>配信中</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>完了</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>停止</translation>
    </message>
</context>
<context>
    <name>SequencesWindow</name>
    <message>
        <source>Step sequences</source>
        <extracomment>The owner asked to send the due steps now (the integration runs it in the background).</extracomment>
        <translation>ステップ配信</translation>
    </message>
    <message>
        <source>Start for the selected customers</source>
        <translation>選択したお客様で開始</translation>
    </message>
    <message>
        <source>Start for everyone with this tag</source>
        <translation>このタグのお客様全員で開始</translation>
    </message>
    <message>
        <source>Stop for the selected friends</source>
        <translation>選択した友だちで停止</translation>
    </message>
    <message>
        <source>Send due steps now</source>
        <translation>時間になったステップをいま送信</translation>
    </message>
    <message>
        <source>Otokui sends due steps by itself every minute while it is open; each friend gets each step once, in order.</source>
        <translation>Otokui を開いている間、時間になったステップを1分ごとに自動で送信します。各ステップは友だちごとに1回ずつ、順番に届きます。</translation>
    </message>
    <message>
        <source>Birthday messages…</source>
        <translation>誕生日メッセージ…</translation>
    </message>
    <message>
        <source>A message with a coupon on each friend&apos;s birthday (or days before), at a time</source>
        <translation>友だちの誕生日(またはその数日前)の決まった時刻に、クーポン付きのメッセージを送ります</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>ステップ</translation>
    </message>
    <message>
        <source>Friends on this sequence</source>
        <translation>このステップ配信の友だち</translation>
    </message>
    <message>
        <source>Started %1 of %2 (the others are running it already, are not LINE friends, or blocked the shop).</source>
        <translation>%2人中 %1人で開始しました(ほかは配信中、LINEの友だちでない、またはブロック中です)。</translation>
    </message>
    <message>
        <source>Select customers in the customer list first.</source>
        <translation>先にお客様の一覧でお客様を選択してください。</translation>
    </message>
    <message>
        <source>Select friends in the list above first.</source>
        <translation>先に上の一覧で友だちを選択してください。</translation>
    </message>
    <message>
        <source>Stopped for %1.</source>
        <translation>%1人で停止しました。</translation>
    </message>
</context>
</TS>
