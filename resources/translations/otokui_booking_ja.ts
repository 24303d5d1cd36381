<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>BookingIntegration</name>
    <message>
        <source>&amp;Reservations…</source>
        <translation>予約(&amp;R)…</translation>
    </message>
    <message>
        <source>The calendar of bookings, the list and the approval queue</source>
        <translation>予約のカレンダー、一覧、承認待ち</translation>
    </message>
    <message>
        <source>Re&amp;servations</source>
        <translation>予約(&amp;S)</translation>
    </message>
</context>
<context>
    <name>BookingListModel</name>
    <message>
        <source>Booking time</source>
        <extracomment>Rows read from the book at a time when one not yet cached is asked for. How many times rows were read from the book (the tests check laziness).</extracomment>
        <translation>予約日時</translation>
    </message>
    <message>
        <source>Booked menu</source>
        <translation>メニュー</translation>
    </message>
    <message>
        <source>Staff member</source>
        <translation>担当</translation>
    </message>
    <message>
        <source>Booking customer</source>
        <translation>お客様</translation>
    </message>
    <message>
        <source>Booking status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Booking price</source>
        <translation>料金</translation>
    </message>
</context>
<context>
    <name>BookingWindow</name>
    <message>
        <source>Reservations</source>
        <extracomment>What the owner may do from each status (the service refuses the rest too).</extracomment>
        <translation>予約</translation>
    </message>
    <message>
        <source>Reservations are not set up yet: describe the menus, staff and hours in a file and run “python main.py booking setup FILE.json” (see the guide).</source>
        <extracomment>Called with (booking, notify) after the owner moved or resized a booking.</extracomment>
        <translation>予約はまだ設定されていません。メニュー・スタッフ・営業時間をファイルに書いて「python main.py booking setup FILE.json」を実行してください（ガイド参照）。</translation>
    </message>
    <message>
        <source>Calendar</source>
        <translation>カレンダー</translation>
    </message>
    <message>
        <source>Booking list</source>
        <translation>予約一覧</translation>
    </message>
    <message>
        <source>Approval queue</source>
        <translation>承認待ち</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>重複</translation>
    </message>
    <message>
        <source>Waitlist</source>
        <translation>キャンセル待ち</translation>
    </message>
    <message>
        <source>Earlier</source>
        <translation>前へ</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今日</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>次へ</translation>
    </message>
    <message>
        <source>Day view</source>
        <translation>日</translation>
    </message>
    <message>
        <source>Week view</source>
        <translation>週</translation>
    </message>
    <message>
        <source>New booking…</source>
        <translation>新しい予約…</translation>
    </message>
    <message>
        <source>Double-click an empty time to book; drag a booking to move it, its bottom edge to make it longer; right-click for its status.</source>
        <translation>空いている時間をダブルクリックで予約、予約をドラッグで移動、下端をドラッグで時間を延長、右クリックで状態を変更します。</translation>
    </message>
    <message numerus="yes">
        <source>%n booking message(s) sent to LINE.</source>
        <translation>
            <numerusform>予約のメッセージを%n件LINEで送信しました。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s)</source>
        <translation>
            <numerusform>%n時間</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n分</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 of them went late (up to %2) because Otokui was not running when they were due.</source>
        <translation>そのうち%1件は、予定の時刻にOtokuiが起動していなかったため遅れて送信しました（最大%2）。</translation>
    </message>
    <message>
        <source>All booking statuses</source>
        <translation>すべての状態</translation>
    </message>
    <message>
        <source>Export as CSV…</source>
        <translation>CSVに書き出す…</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>承認</translation>
    </message>
    <message>
        <source>Decline (cancel)</source>
        <translation>お断り（キャンセル）</translation>
    </message>
    <message>
        <source>A friend booked these on the booking page, but the time was already taken in the book (or the menu is gone). Decide for each: book it anyway, or drop it (then tell the friend).</source>
        <translation>友だちが予約ページで予約しましたが、台帳ではその時間がすでに埋まっていた（またはメニューがなくなった）予約です。1件ずつ決めてください：それでも予約するか、取り消すか（取り消したら友だちにお知らせください）。</translation>
    </message>
    <message>
        <source>Date and time</source>
        <translation>日時</translation>
    </message>
    <message>
        <source>Menu</source>
        <translation>メニュー</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>担当</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>お客様</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Book it anyway</source>
        <translation>それでも予約する</translation>
    </message>
    <message>
        <source>Drop it</source>
        <translation>取り消す</translation>
    </message>
    <message>
        <source>No preference</source>
        <translation>指名なし</translation>
    </message>
    <message>
        <source>Friends waiting for a taken time. When the time frees up, publishing the free times gives it to the first one waiting (they get the booking and its confirmation).</source>
        <translation>埋まった時間の空きを待っている友だちです。その時間が空いたあとで空き時間を公開すると、最初に待っていた方の予約になります（予約確認も届きます）。</translation>
    </message>
    <message>
        <source>Take off the waitlist</source>
        <translation>キャンセル待ちから外す</translation>
    </message>
    <message>
        <source>Offer freed times now</source>
        <translation>空いた時間をいま案内する</translation>
    </message>
    <message>
        <source>Publishing the free times…</source>
        <translation>空き時間を公開しています…</translation>
    </message>
    <message>
        <source>All staff</source>
        <translation>すべての担当</translation>
    </message>
    <message>
        <source>All menus</source>
        <translation>すべてのメニュー</translation>
    </message>
    <message numerus="yes">
        <source>%n booking(s)</source>
        <translation>
            <numerusform>%n件</numerusform>
        </translation>
    </message>
    <message>
        <source>Tell the customer in LINE that the booking is cancelled?</source>
        <translation>キャンセルしたことをLINEでお客様にお知らせしますか？</translation>
    </message>
    <message>
        <source>Tell the customer about the new time in LINE?</source>
        <translation>変更後の日時をLINEでお客様にお知らせしますか？</translation>
    </message>
    <message>
        <source>Change and notify</source>
        <translation>変更して通知</translation>
    </message>
    <message>
        <source>Change without notice</source>
        <translation>通知せずに変更</translation>
    </message>
    <message>
        <source>Came in (来店)</source>
        <translation>来店</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>無断キャンセル</translation>
    </message>
    <message>
        <source>Cancel the booking</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Export the bookings</source>
        <translation>予約を書き出す</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSVファイル (*.csv)</translation>
    </message>
</context>
<context>
    <name>CalendarView</name>
    <message>
        <source>Seats and classes</source>
        <extracomment>(start, staff id or None) — a double-click on an empty time. (booking id, new start, new staff id or None, new end) — a finished drag. (booking id, global position) — a right click on a booking. booking id or &quot;&quot; — the clicked booking. How many times bookings were read (the tests check the visible range only).</extracomment>
        <translation>席・教室</translation>
    </message>
    <message>
        <source>Seats</source>
        <translation>席</translation>
    </message>
</context>
<context>
    <name>CustomerBookings</name>
    <message>
        <source>Bookings</source>
        <extracomment>How often the booking messages due are looked for while the book is open. The customer&apos;s bookings shown in the detail pane (newest first).</extracomment>
        <translation>予約</translation>
    </message>
    <message>
        <source>No bookings.</source>
        <translation>予約はありません。</translation>
    </message>
</context>
<context>
    <name>NewBookingDialog</name>
    <message>
        <source>New booking</source>
        <extracomment>Customers listed under the search box (a search narrows them).</extracomment>
        <translation>新しい予約</translation>
    </message>
    <message>
        <source>Search customers by name, furigana or phone</source>
        <translation>名前・ふりがな・電話番号で検索</translation>
    </message>
    <message>
        <source>No preference</source>
        <translation>指名なし</translation>
    </message>
    <message>
        <source>Customer for the booking</source>
        <translation>お客様</translation>
    </message>
    <message>
        <source>Booked menu</source>
        <translation>メニュー</translation>
    </message>
    <message>
        <source>Staff member</source>
        <translation>担当</translation>
    </message>
    <message>
        <source>Booking time</source>
        <translation>予約日時</translation>
    </message>
    <message>
        <source>Send the confirmation in LINE</source>
        <translation>LINEで予約確認を送る</translation>
    </message>
    <message>
        <source>Book</source>
        <translation>予約する</translation>
    </message>
    <message>
        <source>(no customer: a walk-in)</source>
        <translation>（お客様なし：飛び込み）</translation>
    </message>
</context>
<context>
    <name>WaitlistModel</name>
    <message>
        <source>Wanted time</source>
        <translation>希望日時</translation>
    </message>
    <message>
        <source>Booked menu</source>
        <translation>メニュー</translation>
    </message>
    <message>
        <source>Staff member</source>
        <translation>担当</translation>
    </message>
    <message>
        <source>Booking customer</source>
        <translation>お客様</translation>
    </message>
    <message>
        <source>Waitlist state</source>
        <translation>キャンセル待ちの状況</translation>
    </message>
    <message>
        <source>Waiting (the time is taken)</source>
        <translation>待機中（埋まっています）</translation>
    </message>
    <message>
        <source>Free now: offered at the next publish</source>
        <translation>空きあり：次の公開でご案内</translation>
    </message>
    <message>
        <source>Got the freed time</source>
        <translation>繰り上げで予約済み</translation>
    </message>
    <message>
        <source>Taken off the waitlist</source>
        <translation>キャンセル待ちから外しました</translation>
    </message>
    <message>
        <source>No preference</source>
        <translation>指名なし</translation>
    </message>
</context>
<context>
    <name>booking</name>
    <message>
        <source>The reservation setup cannot be used as it is.</source>
        <translation>予約の設定はこのままでは使えません。</translation>
    </message>
    <message>
        <source>Correct the part named and try again. Nothing was saved.</source>
        <translation>示された箇所を直して、もう一度お試しください。何も保存されていません。</translation>
    </message>
    <message>
        <source>Reservations are not set up in this book yet.</source>
        <translation>この台帳ではまだ予約が設定されていません。</translation>
    </message>
    <message>
        <source>Set up the menus, staff and hours first.</source>
        <translation>先にメニュー・スタッフ・営業時間を設定してください。</translation>
    </message>
    <message>
        <source>This time can no longer be booked.</source>
        <translation>この時間はもう予約できません。</translation>
    </message>
    <message>
        <source>Choose another time.</source>
        <translation>別の時間を選んでください。</translation>
    </message>
    <message>
        <source>This booking change is not allowed.</source>
        <translation>この予約の変更はできません。</translation>
    </message>
    <message>
        <source>Check the booking&apos;s status, the cancellation deadline and the limit of open bookings.</source>
        <translation>予約の状態、キャンセル期限、予約できる件数の上限をご確認ください。</translation>
    </message>
    <message>
        <source>The booking page&apos;s LIFF link needs the LIFF app&apos;s ID.</source>
        <translation>予約ページのLIFFリンクには、LIFFアプリのIDが必要です。</translation>
    </message>
    <message>
        <source>Give it once with --liff-id (the LIFF app whose endpoint URL is the relay&apos;s address followed by /l); the book remembers it.</source>
        <translation>`--liff-id` で一度指定してください（エンドポイントURLが中継サーバーのアドレスに /l を付けたものになっているLIFFアプリのID）。指定したIDは台帳に保存されます。</translation>
    </message>
    <message>
        <source>Booked</source>
        <translation>予約済み</translation>
    </message>
    <message>
        <source>Awaiting approval</source>
        <translation>承認待ち</translation>
    </message>
    <message>
        <source>Came in</source>
        <translation>来店</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>無断キャンセル</translation>
    </message>
    <message>
        <source>Booking cancelled</source>
        <translation>キャンセル</translation>
    </message>
</context>
</TS>
