<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>Broadcast</name>
    <message>
        <source>Scheduled</source>
        <translation>予約済み</translation>
    </message>
    <message>
        <source>Waiting to send</source>
        <translation>送信待ち</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>送信中</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>送信済み</translation>
    </message>
    <message>
        <source>Stopped (monthly limit)</source>
        <translation>停止（月の上限）</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>中止</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>スキップ</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>未送信</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>待機中</translation>
    </message>
    <message>
        <source>This month&apos;s LINE message limit was reached</source>
        <translation>今月のLINEメッセージ通数の上限に達しました</translation>
    </message>
    <message>
        <source>The broadcast was cancelled</source>
        <translation>配信を中止しました</translation>
    </message>
    <message>
        <source>Blocked your account since it was planned</source>
        <translation>配信の準備後にブロックされました</translation>
    </message>
    <message>
        <source>No longer a LINE friend</source>
        <translation>LINEの友だちではなくなりました</translation>
    </message>
    <message>
        <source>Otokui could not confirm it; it may have arrived</source>
        <translation>確認できませんでした（届いている可能性があります）</translation>
    </message>
    <message>
        <source>Its photos were no longer available to LINE</source>
        <translation>写真の公開期限が過ぎていました</translation>
    </message>
    <message>
        <source>%1 (planned)</source>
        <translation>%1（予定）</translation>
    </message>
    <message>
        <source>All friends</source>
        <translation>すべての友だち</translation>
    </message>
    <message>
        <source>Selected customers (%1)</source>
        <translation>選択したお客様（%1）</translation>
    </message>
    <message>
        <source>Customers matching conditions</source>
        <translation>条件に合うお客様</translation>
    </message>
    <message>
        <source>A deleted segment</source>
        <translation>削除されたセグメント</translation>
    </message>
    <message>
        <source>Segment “%1”</source>
        <translation>セグメント「%1」</translation>
    </message>
    <message>
        <source>A deleted tag</source>
        <translation>削除されたタグ</translation>
    </message>
    <message>
        <source>Tag “%1”</source>
        <translation>タグ「%1」</translation>
    </message>
    <message>
        <source>[Photo]</source>
        <translation>［写真］</translation>
    </message>
    <message>
        <source>, </source>
        <comment>between the items of a list, as in “Sent: 5, not sent: 45”</comment>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>BroadcastComposer</name>
    <message>
        <source>New broadcast</source>
        <extracomment>A plan older than this is asked again before sending (the quota moves). Recipients offered in the preview&apos;s list (the first ones by id).</extracomment>
        <translation>新しい配信</translation>
    </message>
    <message>
        <source>Shown in the history (optional), e.g. Winter sale</source>
        <translation>履歴に表示する名前（任意）&#x3000;例：冬のセール</translation>
    </message>
    <message>
        <source>Broadcast &amp;name</source>
        <translation>配信名(&amp;N)</translation>
    </message>
    <message>
        <source>Send now</source>
        <translation>今すぐ送信</translation>
    </message>
    <message>
        <source>Stop sending</source>
        <translation>送信を中止</translation>
    </message>
    <message>
        <source>Test send to my LINE</source>
        <translation>自分のLINEにテスト送信</translation>
    </message>
    <message>
        <source>Send it only to your own LINE account (the customer marked as you)</source>
        <translation>自分のLINEアカウント（自分として登録したお客様）にだけ送ります</translation>
    </message>
    <message>
        <source>Open the history</source>
        <translation>履歴を開く</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>送信先</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>メッセージ</translation>
    </message>
    <message>
        <source>When</source>
        <comment>the time a broadcast is sent</comment>
        <translation>送信日時</translation>
    </message>
    <message>
        <source>Write a message… {名前} becomes each customer&apos;s name</source>
        <translation>メッセージを入力… {名前} はお客様ごとの名前になります</translation>
    </message>
    <message>
        <source>Not recognised, sent exactly as written to everyone: %1</source>
        <translation>認識できない差し込み（全員にそのまま送られます）：%1</translation>
    </message>
    <message>
        <source>Write a message and choose who receives it: the number of recipients and the cost show here.</source>
        <translation>メッセージと送信先を選ぶと、ここに送信人数と通数が表示されます。</translation>
    </message>
    <message>
        <source>Counting recipients and asking LINE for this month&apos;s messages…</source>
        <translation>送信先を数え、今月の残り通数をLINEに確認しています…</translation>
    </message>
    <message>
        <source>The recipients and the cost could not be worked out.</source>
        <translation>送信人数と通数を計算できませんでした。</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>予約する</translation>
    </message>
    <message>
        <source>Choose a time in the future to schedule it.</source>
        <translation>予約するには、これから先の日時を選んでください。</translation>
    </message>
    <message>
        <source>Checking the recipients and the quota once more…</source>
        <translation>送信先と残り通数をもう一度確認しています…</translation>
    </message>
    <message>
        <source>all friends (%1)</source>
        <translation>すべての友だち（%1）</translation>
    </message>
    <message>
        <source>Send this broadcast to %1 now?</source>
        <translation>%1に今すぐ送信します。よろしいですか？</translation>
    </message>
    <message>
        <source>Cost: %1. Once sent, it cannot be taken back.</source>
        <translation>消費：%1。送信すると取り消せません。</translation>
    </message>
    <message>
        <source>%1 messages</source>
        <translation>%1通</translation>
    </message>
    <message>
        <source>Send the broadcast</source>
        <translation>配信の送信</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>送信する</translation>
    </message>
    <message>
        <source>Don&apos;t send</source>
        <translation>送信しない</translation>
    </message>
    <message>
        <source>Scheduled for %1 to %2. Otokui sends it at that time while it is open.</source>
        <translation>%1に%2へ送る予約をしました。その時刻にOtokuiが開いていれば送信します。</translation>
    </message>
    <message>
        <source>Sending to %1…</source>
        <translation>%1に送信しています…</translation>
    </message>
    <message>
        <source>Sent: %1</source>
        <translation>送信：%1</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>失敗：%1</translation>
    </message>
    <message>
        <source>skipped: %1</source>
        <translation>スキップ：%1</translation>
    </message>
    <message>
        <source>not sent: %1</source>
        <translation>未送信：%1</translation>
    </message>
    <message>
        <source>The broadcast was sent.</source>
        <translation>配信しました。</translation>
    </message>
    <message>
        <source>The broadcast was stopped.</source>
        <translation>配信を中止しました。</translation>
    </message>
    <message>
        <source>This month&apos;s LINE messages ran out: the rest was not sent.</source>
        <translation>今月のLINEの通数がなくなったため、残りは送っていません。</translation>
    </message>
    <message>
        <source>LINE could not be reached: the rest is sent when Otokui starts next, or from the history.</source>
        <translation>LINEにつながりません。残りは次にOtokuiを起動したとき、または履歴から送信します。</translation>
    </message>
    <message>
        <source>Stopping after the messages already on their way…</source>
        <translation>送信中のメッセージが終わりしだい止めます…</translation>
    </message>
    <message>
        <source>Test sent to your own LINE account.</source>
        <translation>自分のLINEにテスト送信しました。</translation>
    </message>
    <message>
        <source>The test could not be sent.</source>
        <translation>テスト送信できませんでした。</translation>
    </message>
    <message>
        <source>In the customer table, right-click yourself and choose “This is my own LINE account”.</source>
        <translation>お客様の一覧でご自分を右クリックし、「自分のLINEアカウント」を選んでください。</translation>
    </message>
    <message>
        <source>Something went wrong. What you wrote is kept.</source>
        <translation>問題が起きました。入力した内容はそのまま残っています。</translation>
    </message>
</context>
<context>
    <name>BroadcastIntegration</name>
    <message>
        <source>&amp;New broadcast…</source>
        <extracomment>The composer&apos;s content when the book locked; it reopens with it after unlocking. Missed broadcasts already offered since the book was opened (asked once each).</extracomment>
        <translation>新しい配信(&amp;N)…</translation>
    </message>
    <message>
        <source>Send one message to many customers</source>
        <translation>多くのお客様に同じメッセージを送ります</translation>
    </message>
    <message>
        <source>Broadcast</source>
        <translation>配信</translation>
    </message>
    <message>
        <source>Broadcast &amp;history…</source>
        <translation>配信の履歴(&amp;H)…</translation>
    </message>
    <message>
        <source>Past and scheduled broadcasts, with who got them</source>
        <translation>これまでの配信と予約中の配信、届いたお客様</translation>
    </message>
    <message>
        <source>Broadcast to selected customers…</source>
        <translation>選択したお客様に配信…</translation>
    </message>
    <message>
        <source>This is my own LINE account</source>
        <translation>自分のLINEアカウント</translation>
    </message>
    <message>
        <source>Test sends of broadcasts go to this customer</source>
        <translation>配信のテスト送信はこのお客様に届きます</translation>
    </message>
    <message>
        <source>Otokui closes as soon as the broadcast being sent is finished.</source>
        <translation>送信中の配信が終わりしだい、Otokuiを終了します。</translation>
    </message>
    <message>
        <source>Broadcast: %1 — sent %2, failed %3, not sent %4</source>
        <translation>配信：%1 — 送信 %2、失敗 %3、未送信 %4</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>中断</translation>
    </message>
</context>
<context>
    <name>BroadcastListModel</name>
    <message>
        <source>State</source>
        <extracomment>Columns of counts: right-aligned, with their headers.</extracomment>
        <translation>状態</translation>
    </message>
    <message>
        <source>Date</source>
        <comment>date and time, a column</comment>
        <translation>日時</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>送信先</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>送信済み</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>スキップ</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>未送信</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>通数</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Messages it will use when sent</source>
        <translation>送信したときに使う通数です</translation>
    </message>
    <message>
        <source>Messages of the month it used (one per customer it was sent to)</source>
        <translation>今月の通数から使った数です（送信できたお客様1人につき1通）</translation>
    </message>
</context>
<context>
    <name>BroadcastPreview</name>
    <message>
        <source>Type a name to search</source>
        <extracomment>The texts as the chosen recipient reads them (what the preview shows).</extracomment>
        <translation>名前を入力して検索</translation>
    </message>
    <message>
        <source>Preview as</source>
        <translation>プレビュー：</translation>
    </message>
    <message>
        <source>Empty for this customer: %1</source>
        <translation>このお客様は未入力です：%1</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>Broadcast history</source>
        <translation>配信の履歴</translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation>全員</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>送信済み</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>スキップ</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>未送信</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>待機中</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSVに書き出す…</translation>
    </message>
    <message>
        <source>Cancel this broadcast</source>
        <translation>この配信を中止</translation>
    </message>
    <message>
        <source>Send the rest now</source>
        <translation>残りを今すぐ送信</translation>
    </message>
    <message>
        <source>Sending was interrupted: send it to those who have not had it yet</source>
        <translation>送信が中断されました。まだ届いていないお客様に送ります</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>閉じる</translation>
    </message>
    <message>
        <source>Recipients:</source>
        <translation>送信先：</translation>
    </message>
    <message>
        <source>No broadcasts yet.</source>
        <translation>まだ配信はありません。</translation>
    </message>
    <message>
        <source>Created %1</source>
        <translation>作成日時 %1</translation>
    </message>
    <message>
        <source>Scheduled for %1</source>
        <translation>予約日時 %1</translation>
    </message>
    <message>
        <source>Cancelled %1</source>
        <translation>中止日時 %1</translation>
    </message>
    <message>
        <source>Stopped %1</source>
        <translation>停止日時 %1</translation>
    </message>
    <message>
        <source>Finished %1</source>
        <translation>完了日時 %1</translation>
    </message>
    <message>
        <source>Recipients %1 · sent %2 · failed %3 · skipped %4 · not sent %5</source>
        <translation>送信先 %1 · 送信 %2 · 失敗 %3 · スキップ %4 · 未送信 %5</translation>
    </message>
    <message>
        <source>will use %1 messages</source>
        <translation>消費予定 %1通</translation>
    </message>
    <message>
        <source>used %1 messages</source>
        <translation>消費 %1通</translation>
    </message>
    <message>
        <source>Export the results</source>
        <translation>結果を書き出す</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSVファイル (*.csv)</translation>
    </message>
    <message>
        <source>%1 rows saved to %2</source>
        <translation>%1行を%2に保存しました</translation>
    </message>
    <message>
        <source>Cancel this scheduled broadcast?</source>
        <translation>この予約配信を中止しますか？</translation>
    </message>
    <message>
        <source>It will not be sent at %1, and this cannot be undone.</source>
        <translation>%1の送信は行われなくなります。中止すると元に戻せません。</translation>
    </message>
    <message>
        <source>Stop this broadcast?</source>
        <translation>送信中の配信を中止しますか？</translation>
    </message>
    <message>
        <source>Customers who have not received it yet will not get it, and this cannot be undone.</source>
        <translation>まだ届いていないお客様には送られなくなります。中止すると元に戻せません。</translation>
    </message>
    <message>
        <source>Cancel the broadcast</source>
        <translation>配信の中止</translation>
    </message>
    <message>
        <source>Cancel it</source>
        <translation>中止する</translation>
    </message>
    <message>
        <source>Keep it</source>
        <translation>中止しない</translation>
    </message>
</context>
<context>
    <name>MissedDialog</name>
    <message>
        <source>Scheduled broadcasts were missed</source>
        <extracomment>How often scheduled broadcasts are looked for while a book is open.</extracomment>
        <translation>予定時刻を過ぎた配信があります</translation>
    </message>
    <message>
        <source>Otokui was closed when these broadcasts were to be sent. They have not been sent. Send each now, or cancel it.</source>
        <translation>予定の時刻にOtokuiが閉じていたため、これらの配信はまだ送られていません。それぞれ今すぐ送るか、中止してください。</translation>
    </message>
    <message>
        <source>Decide later</source>
        <translation>あとで決める</translation>
    </message>
    <message>
        <source>They stay unsent; Otokui asks again when it next opens</source>
        <translation>送られないまま残ります。次にOtokuiを開いたときにもう一度お聞きします</translation>
    </message>
    <message>
        <source>Was to be sent %1 to %2</source>
        <translation>%1に%2へ送る予定でした</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Send now</source>
        <translation>今すぐ送信</translation>
    </message>
    <message>
        <source>Cancel it</source>
        <translation>中止する</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>送信中…</translation>
    </message>
</context>
<context>
    <name>PlanBox</name>
    <message>
        <source>Recipients: %1</source>
        <translation>送信先：%1</translation>
    </message>
    <message>
        <source>Cost: %1 messages (sent to %2 only)</source>
        <translation>消費：%1通（%2だけに送信）</translation>
    </message>
    <message>
        <source>Cost: %1 messages</source>
        <translation>消費：%1通</translation>
    </message>
    <message>
        <source>This month: no limit on messages</source>
        <translation>今月の通数：上限なし</translation>
    </message>
    <message>
        <source>Left this month: %1 messages (%2 short)</source>
        <translation>今月の残り：%1通（%2通足りません）</translation>
    </message>
    <message>
        <source>Left this month: %1 messages (%2 after this one)</source>
        <translation>今月の残り：%1通（送信後 %2通）</translation>
    </message>
    <message>
        <source>Personalised: sent one by one</source>
        <translation>お客様ごとに内容が違うため、1人ずつ送ります</translation>
    </message>
    <message>
        <source>The same for everyone: sent in batches of up to 500</source>
        <translation>全員に同じ内容のため、500人ずつまとめて送ります</translation>
    </message>
    <message>
        <source>This broadcast needs %1 messages but only %2 remain this month, so it cannot be sent to everyone. Choose fewer customers, or send it only to as many as remain.</source>
        <translation>この配信には%1通が必要ですが、今月の残りは%2通のため全員には送れません。送信先を絞るか、残りの通数の分だけ送ってください。</translation>
    </message>
    <message>
        <source>Send it only to the first %1 (oldest registered first); the others are recorded as not sent</source>
        <translation>登録の古い順に%1だけに送る（残りは「未送信」として記録）</translation>
    </message>
</context>
<context>
    <name>RecipientResultsModel</name>
    <message>
        <source>Customer</source>
        <translation>お客様</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>結果</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>(deleted) #%1</source>
        <translation>（削除済み）#%1</translation>
    </message>
</context>
<context>
    <name>RecipientsBox</name>
    <message>
        <source>Segment</source>
        <translation>セグメント</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>タグ</translation>
    </message>
    <message>
        <source>All friends</source>
        <translation>すべての友だち</translation>
    </message>
    <message>
        <source>Customers selected in the table (%1)</source>
        <translation>一覧で選択したお客様（%1）</translation>
    </message>
    <message>
        <source>No saved segments yet</source>
        <translation>保存したセグメントはまだありません</translation>
    </message>
    <message>
        <source>No tags yet</source>
        <translation>タグはまだありません</translation>
    </message>
</context>
<context>
    <name>ScheduleBox</name>
    <message>
        <source>Send now</source>
        <translation>今すぐ送信</translation>
    </message>
    <message>
        <source>Schedule for</source>
        <translation>日時を指定</translation>
    </message>
</context>
</TS>
