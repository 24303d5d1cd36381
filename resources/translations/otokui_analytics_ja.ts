<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>Analytics</name>
    <message>
        <source>Weeks from %1</source>
        <extracomment>Series colours: LINE green, red, blue, amber, grey (contrast on white and on dark). Rows a table adds after its series (totals), not drawn as buckets. Bars shown at most in a ranking (tags, choices); the CSV keeps every row. More buckets than this along the bottom: only some are labelled (see bucket_labels). The analytics window&apos;s words: ``translate(&quot;Analytics&quot;, text)`` (lupdate reads the calls).</extracomment>
        <translation>週ごと（%1）</translation>
    </message>
    <message>
        <source>Save as image…</source>
        <extracomment>The figure&apos;s CLI name (tables.FIGURES) whose table the CSV writes.</extracomment>
        <translation>画像で保存…</translation>
    </message>
    <message>
        <source>Save this chart as a PNG image</source>
        <translation>このグラフをPNG画像で保存します</translation>
    </message>
    <message>
        <source>Save figures as CSV…</source>
        <translation>数値をCSVで保存…</translation>
    </message>
    <message>
        <source>The numbers behind this chart, for Excel</source>
        <translation>このグラフの数値（Excelで開けます）</translation>
    </message>
    <message>
        <source>Friends added and blocked</source>
        <extracomment>(series, colours) to put back after a theme change (a theme resets colours).</extracomment>
        <translation>友だち追加とブロック</translation>
    </message>
    <message>
        <source>Added as friend</source>
        <translation>友だち追加</translation>
    </message>
    <message>
        <source>Blocked the account</source>
        <translation>ブロック</translation>
    </message>
    <message>
        <source>Unblocked</source>
        <translation>ブロック解除</translation>
    </message>
    <message>
        <source>Added %1, blocked %2, unblocked %3: net %4</source>
        <translation>追加 %1、ブロック %2、ブロック解除 %3：純増 %4</translation>
    </message>
    <message>
        <source>Added in the previous period</source>
        <translation>前の期間の友だち追加</translation>
    </message>
    <message>
        <source>(previous period: added %1, net %2)</source>
        <translation>（前の期間：追加 %1、純増 %2）</translation>
    </message>
    <message>
        <source>Messages received and sent</source>
        <translation>メッセージの受信と送信</translation>
    </message>
    <message>
        <source>From friends</source>
        <translation>友だちから</translation>
    </message>
    <message>
        <source>From the shop</source>
        <translation>お店から</translation>
    </message>
    <message>
        <source>From friends %1, from the shop %2</source>
        <translation>友だちから %1件、お店から %2件</translation>
    </message>
    <message>
        <source>From friends in the previous period</source>
        <translation>前の期間の友だちから</translation>
    </message>
    <message>
        <source>(previous period: %1 / %2)</source>
        <translation>（前の期間：%1件 / %2件）</translation>
    </message>
    <message>
        <source>How fast the shop replies</source>
        <translation>お店の返信までの時間</translation>
    </message>
    <message>
        <source>This period</source>
        <translation>この期間</translation>
    </message>
    <message>
        <source>Previous period</source>
        <translation>前の期間</translation>
    </message>
    <message>
        <source>Median</source>
        <translation>中央値</translation>
    </message>
    <message>
        <source>9 in 10 within</source>
        <translation>9割の返信まで</translation>
    </message>
    <message>
        <source>Minutes until the reply</source>
        <translation>返信までの分数</translation>
    </message>
    <message>
        <source>No replies in this period.</source>
        <translation>この期間の返信はありません。</translation>
    </message>
    <message>
        <source>Median %1 min, 9 in 10 replies within %2 min (%3 replies)</source>
        <translation>中央値 %1分、10件中9件は %2分以内に返信（返信 %3件）</translation>
    </message>
    <message>
        <source>Chats waiting for a reply now: %1</source>
        <translation>いま返信待ちのチャット：%1件</translation>
    </message>
    <message>
        <source>Blocks within 24 hours of a broadcast</source>
        <translation>配信後24時間以内のブロック</translation>
    </message>
    <message>
        <source>Block rate</source>
        <translation>ブロック率</translation>
    </message>
    <message>
        <source>No broadcast started in this period.</source>
        <translation>この期間に始めた配信はありません。</translation>
    </message>
    <message>
        <source>%1 broadcasts reached %2 friends; %3 blocked within 24 hours</source>
        <translation>%1件の配信が友だち %2人に届き、%3人が24時間以内にブロック</translation>
    </message>
    <message>
        <source>Broadcast results</source>
        <translation>配信の結果</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>届いた</translation>
    </message>
    <message>
        <source>Failed to send</source>
        <translation>送信できなかった</translation>
    </message>
    <message>
        <source>Left unsent</source>
        <translation>送らなかった</translation>
    </message>
    <message>
        <source>Messages delivered by broadcasts this month: %1</source>
        <translation>今月の配信で届けたメッセージ：%1通</translation>
    </message>
    <message>
        <source>This month on LINE: %1 of the plan&apos;s %2 messages used (%3)</source>
        <translation>今月のLINEでの送信：プランの上限%2通のうち%1通（%3）</translation>
    </message>
    <message>
        <source>This month on LINE: %1 messages (the plan has no limit)</source>
        <translation>今月のLINEでの送信：%1通（プランの上限なし）</translation>
    </message>
    <message>
        <source>Customers per tag</source>
        <translation>タグごとのお客様の数</translation>
    </message>
    <message>
        <source>Customers</source>
        <translation>お客様の数</translation>
    </message>
    <message>
        <source>Now (tags keep no history).</source>
        <translation>現在の数です（タグには履歴がありません）。</translation>
    </message>
    <message>
        <source>%1 more tags in the CSV.</source>
        <translation>ほか %1個のタグはCSVにあります。</translation>
    </message>
    <message>
        <source>Inflow routes</source>
        <translation>流入経路</translation>
    </message>
    <message>
        <source>Arrivals</source>
        <translation>流入数</translation>
    </message>
    <message>
        <source>Friends who came first by it</source>
        <translation>この経路で初めて来た友だち</translation>
    </message>
    <message>
        <source>No inflow route yet: Customers → Inflow routes (QR codes)… makes one.</source>
        <translation>流入経路はまだありません。お客様 → 流入経路（QRコード）… で作れます。</translation>
    </message>
    <message>
        <source>%1 arrivals through %2 routes; for %3 friends it was their first</source>
        <translation>%2経路から%1件の流入（%3人はこれが最初の経路）</translation>
    </message>
    <message>
        <source>Form answers</source>
        <translation>フォームの回答</translation>
    </message>
    <message>
        <source>%1: %2 answers</source>
        <translation>%1：回答 %2件</translation>
    </message>
    <message>
        <source>No forms yet.</source>
        <translation>フォームはまだありません。</translation>
    </message>
    <message>
        <source>Share of the answers</source>
        <translation>回答に占める割合</translation>
    </message>
    <message>
        <source>Sales</source>
        <translation>売上</translation>
    </message>
    <message>
        <source>No orders in this period.</source>
        <translation>この期間の注文はありません。</translation>
    </message>
    <message>
        <source>repeat buyers %1% (%2 of %3)</source>
        <translation>リピート購入 %1%（%3人中%2人）</translation>
    </message>
    <message>
        <source>Bookings</source>
        <translation>予約</translation>
    </message>
    <message>
        <source>Bookings (not cancelled)</source>
        <translation>予約（キャンセルを除く）</translation>
    </message>
    <message>
        <source>Visited</source>
        <translation>来店</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>無断キャンセル</translation>
    </message>
    <message>
        <source>%1 bookings</source>
        <translation>予約 %1件</translation>
    </message>
    <message>
        <source>no-show rate %1%</source>
        <translation>無断キャンセル率 %1%</translation>
    </message>
    <message>
        <source>Busiest hours</source>
        <extracomment>Squares in five shades of blue, lightest for the fewest bookings.</extracomment>
        <translation>混み合う時間帯</translation>
    </message>
    <message>
        <source>Mon</source>
        <translation>月</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>火</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>水</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>木</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>金</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>土</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>日</translation>
    </message>
    <message>
        <source>Hour</source>
        <translation>時</translation>
    </message>
    <message>
        <source>Busiest: %1 at %2:00 (%3 bookings)</source>
        <translation>いちばん多いのは%1曜日の%2時台（%3件）</translation>
    </message>
    <message>
        <source>No bookings in this period.</source>
        <translation>この期間の予約はありません。</translation>
    </message>
    <message>
        <source>Net sales (yen)</source>
        <translation>売上（返金を除く・円）</translation>
    </message>
    <message>
        <source>%1 orders, %2 yen; %3 yen per order on average</source>
        <translation>注文 %1件、%2円（1件あたり平均 %3円）</translation>
    </message>
    <message>
        <source>This week</source>
        <extracomment>Emitted on the main thread each time the cards show newly computed figures.</extracomment>
        <translation>今週</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>今月</translation>
    </message>
    <message>
        <source>Choose the days…</source>
        <translation>期間を指定…</translation>
    </message>
    <message>
        <source>Per day</source>
        <translation>日ごと</translation>
    </message>
    <message>
        <source>Per week</source>
        <translation>週ごと</translation>
    </message>
    <message>
        <source>Per month</source>
        <translation>月ごと</translation>
    </message>
    <message>
        <source>Compare with the previous period</source>
        <translation>前の期間と比べる</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期間</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>集計しています…</translation>
    </message>
    <message>
        <source>%1 days</source>
        <translation>%1日間</translation>
    </message>
    <message>
        <source>Save the chart as an image</source>
        <translation>グラフを画像で保存</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG画像 (*.png)</translation>
    </message>
    <message>
        <source>(no value)</source>
        <extracomment>A number field&apos;s ranges until the owner types others (visits, points: small counts). &quot;東京都 × VIP&quot;, what the main window&apos;s banner says. The segment condition (JSON form) when one says exactly these customers. The fullest cell (the heat map&apos;s top), once per table rather than per paint.</extracomment>
        <translation>なし</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合計</translation>
    </message>
    <message>
        <source>%1: %2 customers (double-click to show them)</source>
        <translation>%1：%2人（ダブルクリックでお客様を表示）</translation>
    </message>
    <message>
        <source>Everyone counted</source>
        <translation>集計したすべてのお客様</translation>
    </message>
    <message>
        <source>Ranges of the number, both ends included, separated by commas: 0,1-4,5-9,10-</source>
        <extracomment>(the cell&apos;s customers, what they are) to show in the main window. A cell&apos;s condition (JSON form) and its label, to save as a segment.</extracomment>
        <translation>数値の範囲（両端を含む）をカンマで区切って書きます：0,1-4,5-9,10-</translation>
    </message>
    <message>
        <source>Customers (count)</source>
        <translation>人数</translation>
    </message>
    <message>
        <source>Share of the row</source>
        <translation>行に占める割合</translation>
    </message>
    <message>
        <source>Share of the column</source>
        <translation>列に占める割合</translation>
    </message>
    <message>
        <source>Show these customers</source>
        <translation>このお客様を表示</translation>
    </message>
    <message>
        <source>Save as a segment…</source>
        <translation>セグメントとして保存…</translation>
    </message>
    <message>
        <source>Double-click a cell to show its customers in the customer book. Blocked friends are not counted; a customer with two tags counts in both.</source>
        <translation>セルをダブルクリックすると、そのお客様を顧客台帳に表示します。ブロック中の友だちは数えません。タグを2つ持つお客様は両方に数えます。</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>タグ</translation>
    </message>
    <message>
        <source>Prefecture</source>
        <translation>都道府県</translation>
    </message>
    <message>
        <source>Birthday month</source>
        <translation>誕生月</translation>
    </message>
    <message>
        <source>Inflow route</source>
        <translation>流入経路</translation>
    </message>
    <message>
        <source>The ranges could not be read: write them as 0,1-4,5-9,10-</source>
        <translation>範囲を読み取れません。0,1-4,5-9,10- のように書いてください</translation>
    </message>
    <message>
        <source>%1 customers counted</source>
        <translation>%1人を集計しました</translation>
    </message>
    <message>
        <source>No segment condition says exactly these customers</source>
        <translation>このお客様だけを表すセグメントの条件はありません</translation>
    </message>
    <message>
        <source>Save the figures as CSV</source>
        <translation>数値をCSVで保存</translation>
    </message>
    <message>
        <source>CSV file (*.csv)</source>
        <translation>CSVファイル (*.csv)</translation>
    </message>
    <message>
        <source>Analytics</source>
        <translation>分析</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>ダッシュボード</translation>
    </message>
    <message>
        <source>Cross tabulation</source>
        <translation>クロス分析</translation>
    </message>
</context>
<context>
    <name>AnalyticsIntegration</name>
    <message>
        <source>&amp;Dashboard…</source>
        <extracomment>After a change in the book, the shown figures are computed again this much later (a sync brings changes in bursts: one computation per burst). The date the window takes as today (tests give a fixed one).</extracomment>
        <translation>ダッシュボード(&amp;D)…</translation>
    </message>
    <message>
        <source>Charts of friends, chats, broadcasts, tags and forms over a period</source>
        <translation>友だち・チャット・配信・タグ・フォームを期間ごとのグラフで見ます</translation>
    </message>
    <message>
        <source>&amp;Cross tabulation…</source>
        <translation>クロス分析(&amp;C)…</translation>
    </message>
    <message>
        <source>Customers counted by two things at once: tags, fields, birthday month, prefecture</source>
        <translation>タグ・カスタム項目・誕生月・都道府県のうち2つでお客様を数えます</translation>
    </message>
    <message>
        <source>&amp;Analytics</source>
        <extracomment>The cell the customer table shows (None: the sidebar&apos;s choice alone).</extracomment>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <source>Save as a segment…</source>
        <translation>セグメントとして保存…</translation>
    </message>
    <message>
        <source>Show all again</source>
        <translation>表示を元に戻す</translation>
    </message>
    <message>
        <source>Cross tabulation: %1 (%2 customers)</source>
        <translation>クロス分析：%1（%2人）</translation>
    </message>
</context>
</TS>
