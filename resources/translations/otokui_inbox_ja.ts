<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>Bubble</name>
    <message>
        <source>Tapped a button</source>
        <translation>ボタンが押されました</translation>
    </message>
    <message>
        <source>Tapped a button: %1</source>
        <translation>ボタンを押しました：%1</translation>
    </message>
    <message>
        <source>Added you as a friend</source>
        <translation>友だち追加されました</translation>
    </message>
    <message>
        <source>Unblocked your account</source>
        <translation>ブロックが解除されました</translation>
    </message>
    <message>
        <source>Blocked your account</source>
        <translation>ブロックされました</translation>
    </message>
    <message>
        <source>Linked their account</source>
        <translation>アカウントが連携されました</translation>
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
        <source>Tag added: %1</source>
        <translation>タグを追加しました：%1</translation>
    </message>
    <message>
        <source>Friend status changed</source>
        <translation>友だちの状態が変わりました</translation>
    </message>
    <message>
        <source>In a group</source>
        <translation>グループで</translation>
    </message>
    <message>
        <source>In a multi-person chat</source>
        <translation>複数人トークで</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>編集済み</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>送信中…</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>送信済み</translation>
    </message>
    <message>
        <source>Not sent</source>
        <comment>a message that failed</comment>
        <translation>送信できませんでした</translation>
    </message>
    <message>
        <source>This message was unsent.</source>
        <translation>このメッセージは送信が取り消されました。</translation>
    </message>
    <message>
        <source>Sticker</source>
        <translation>スタンプ</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>写真</translation>
    </message>
    <message>
        <source>Click to view</source>
        <translation>クリックで表示</translation>
    </message>
    <message>
        <source>Keep as attachment</source>
        <translation>添付ファイルとして保存</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>動画</translation>
    </message>
    <message>
        <source>Voice message</source>
        <translation>ボイスメッセージ</translation>
    </message>
    <message>
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置情報</translation>
    </message>
    <message>
        <source>A message of a kind Otokui cannot show yet (open LINE to see it).</source>
        <translation>Otokuiではまだ表示できない種類のメッセージです（LINEでご確認ください）。</translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation>受信中…</translation>
    </message>
    <message>
        <source>LINE no longer has this content.</source>
        <translation>LINEに内容が残っていないため表示できません。</translation>
    </message>
    <message>
        <source>This message could not be sent.</source>
        <translation>このメッセージは送信できませんでした。</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>再送信</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>破棄</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Add a JPEG or PNG photo (or drop one here)</source>
        <extracomment>A disabled send button&apos;s colours (contrast 5.9:1; the style sheet&apos;s other disabled buttons use the same).</extracomment>
        <translation>JPEG・PNGの写真を追加します（ここにドロップしても追加できます）</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>定型文</translation>
    </message>
    <message>
        <source>No templates yet</source>
        <translation>定型文はまだありません</translation>
    </message>
    <message>
        <source>Manage templates…</source>
        <translation>定型文の管理…</translation>
    </message>
    <message>
        <source>Not recognised, left as written: %1</source>
        <translation>使えない差し込み項目があります（そのまま入ります）：%1</translation>
    </message>
    <message>
        <source>Empty for this customer: %1</source>
        <translation>このお客様は未入力です：%1</translation>
    </message>
    <message>
        <source>This customer is not a LINE friend: messages cannot be sent.</source>
        <translation>このお客様はLINEの友だちではないため、メッセージを送れません。</translation>
    </message>
    <message>
        <source>This customer has blocked your account: messages cannot be sent.</source>
        <translation>このお客様にブロックされているため、メッセージを送れません。</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>送信中…</translation>
    </message>
    <message>
        <source>Free reply — %1 s left</source>
        <translation>無料で返信できます あと %1 秒</translation>
    </message>
    <message>
        <source>Push (%1 left this month)</source>
        <translation>プッシュ送信（今月の残り %1 通）</translation>
    </message>
    <message>
        <source>Push (no monthly limit)</source>
        <translation>プッシュ送信（月の上限なし）</translation>
    </message>
    <message>
        <source>Push (uses the monthly quota)</source>
        <translation>プッシュ送信（月の通数を使います）</translation>
    </message>
    <message>
        <source>Replies within a minute of the customer&apos;s message are free. Later messages are pushed and count against the month&apos;s messages.</source>
        <translation>お客様のメッセージから1分以内の返信は無料です。それ以降はプッシュ送信になり、月の通数にかぞえられます。</translation>
    </message>
    <message>
        <source>Sent as a reply: free of charge.</source>
        <translation>返信として送るので無料です。</translation>
    </message>
    <message>
        <source>Sent as a push: 1 message of the month&apos;s quota.</source>
        <translation>プッシュ送信しました（月の通数を1通使いました）。</translation>
    </message>
    <message>
        <source>The message could not be sent.</source>
        <translation>メッセージを送信できませんでした。</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <source>Search messages</source>
        <translation>メッセージを検索</translation>
    </message>
    <message>
        <source>Unread only</source>
        <translation>未読のみ</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>すべての対応状況</translation>
    </message>
    <message>
        <source>New messages: the list is sorted again when the pointer leaves it.</source>
        <translation>新しいメッセージがあります。ポインターを一覧から離すと並べ替えます。</translation>
    </message>
    <message>
        <source>No conversations yet. Messages from LINE friends appear here.</source>
        <translation>トークはまだありません。LINEの友だちからのメッセージがここに表示されます。</translation>
    </message>
    <message>
        <source>All tags</source>
        <translation>すべてのタグ</translation>
    </message>
    <message>
        <source>These are the conversations with the newest matches; add a word to find older ones.</source>
        <translation>新しく見つかった順に表示しています。古いメッセージを探すときは言葉を足してください。</translation>
    </message>
    <message>
        <source>No conversation matches.</source>
        <translation>条件に合うトークはありません。</translation>
    </message>
</context>
<context>
    <name>ConversationView</name>
    <message>
        <source>Scroll up for earlier messages</source>
        <translation>上にスクロールすると前のメッセージを表示します</translation>
    </message>
    <message>
        <source>Choose a conversation on the left.</source>
        <translation>左の一覧からトークを選んでください。</translation>
    </message>
    <message>
        <source>Save a copy</source>
        <translation>コピーを保存</translation>
    </message>
    <message>
        <source>Received on LINE</source>
        <translation>LINEで受信</translation>
    </message>
    <message>
        <source>The photo is kept among this customer&apos;s attachments.</source>
        <translation>写真をこのお客様の添付ファイルとして保存しました。</translation>
    </message>
</context>
<context>
    <name>Inbox</name>
    <message>
        <source>You have a new message</source>
        <translation>新しいメッセージがあります</translation>
    </message>
    <message>
        <source>Otokui — %1 unread</source>
        <translation>Otokui — 未読 %1 件</translation>
    </message>
    <message>
        <source>Not handled</source>
        <translation>未対応</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>対応中</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>対応済み</translation>
    </message>
    <message>
        <source>Sent a photo</source>
        <translation>写真が届きました</translation>
    </message>
    <message>
        <source>Sent a video</source>
        <translation>動画が届きました</translation>
    </message>
    <message>
        <source>Sent a voice message</source>
        <translation>ボイスメッセージが届きました</translation>
    </message>
    <message>
        <source>Sent a file</source>
        <translation>ファイルが届きました</translation>
    </message>
    <message>
        <source>Sent a location</source>
        <translation>位置情報が届きました</translation>
    </message>
    <message>
        <source>Sent a sticker</source>
        <translation>スタンプが届きました</translation>
    </message>
    <message>
        <source>Tapped a button</source>
        <translation>ボタンが押されました</translation>
    </message>
    <message>
        <source>Friend status changed</source>
        <translation>友だちの状態が変わりました</translation>
    </message>
    <message>
        <source>A message was unsent</source>
        <translation>メッセージの送信が取り消されました</translation>
    </message>
    <message>
        <source>Sent a message</source>
        <translation>メッセージが届きました</translation>
    </message>
    <message>
        <source>You sent a photo</source>
        <translation>写真を送りました</translation>
    </message>
</context>
<context>
    <name>InboxIntegration</name>
    <message>
        <source>Customer &amp;book</source>
        <translation>顧客台帳(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>チャット(&amp;C)</translation>
    </message>
</context>
<context>
    <name>InboxSettingsWidget</name>
    <message>
        <source>Show a notification when a message arrives</source>
        <translation>メッセージが届いたら通知する</translation>
    </message>
    <message>
        <source>Hide who wrote and what (only “You have a new message”)</source>
        <translation>送り主と内容を表示しない（「新しいメッセージがあります」とだけ表示）</translation>
    </message>
    <message>
        <source>Show the customer their message was read when you open the conversation</source>
        <translation>トークを開いたら、お客様のLINEに既読をつける</translation>
    </message>
    <message>
        <source>The customer then sees “Read” (既読) in LINE.</source>
        <translation>お客様のLINEに「既読」と表示されます。</translation>
    </message>
    <message>
        <source>Mark it Done</source>
        <translation>対応済みにする</translation>
    </message>
    <message>
        <source>Mark it In progress</source>
        <translation>対応中にする</translation>
    </message>
    <message>
        <source>Leave the status as it is</source>
        <translation>対応状況を変えない</translation>
    </message>
    <message>
        <source>When the customer writes again, a conversation marked Done becomes Not handled.</source>
        <translation>お客様からまたメッセージが届くと、対応済みのトークは未対応に戻ります。</translation>
    </message>
    <message>
        <source>After you reply</source>
        <translation>返信したら</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>定型文</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>チャット</translation>
    </message>
</context>
<context>
    <name>TemplatesDialog</name>
    <message>
        <source>Templates</source>
        <translation>定型文</translation>
    </message>
</context>
<context>
    <name>TemplatesWidget</name>
    <message>
        <source>Title (shown in the menu)</source>
        <translation>タイトル（メニューに表示されます）</translation>
    </message>
    <message>
        <source>Text. {名前} becomes the customer&apos;s name; {項目:会員番号} a custom field.</source>
        <translation>本文。{名前} はお客様のお名前に、{項目:会員番号} は項目の値に置き換わります。</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新規</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>上へ</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>下へ</translation>
    </message>
    <message>
        <source>Not recognised: %1 (stays as written)</source>
        <translation>使えない差し込み項目：%1（そのまま入ります）</translation>
    </message>
</context>
</TS>
