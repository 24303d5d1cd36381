<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>CustomerPicker</name>
    <message>
        <source>Choose the member</source>
        <translation>会員を選ぶ</translation>
    </message>
    <message>
        <source>Name, member number or phone</source>
        <translation>名前・会員番号・電話番号</translation>
    </message>
</context>
<context>
    <name>IssuerDialog</name>
    <message>
        <source>Receipt issuer</source>
        <translation>領収書の発行者</translation>
    </message>
    <message>
        <source>Shop name</source>
        <translation>店名</translation>
    </message>
    <message>
        <source>Registration number</source>
        <translation>登録番号</translation>
    </message>
</context>
<context>
    <name>MemberReview</name>
    <message>
        <source>Proof did not match</source>
        <translation>確認情報が一致しない</translation>
    </message>
    <message>
        <source>Too many wrong tries</source>
        <translation>誤りの回数が上限</translation>
    </message>
    <message>
        <source>Account link not signed by the shop</source>
        <translation>アカウント連携：お店の署名がない</translation>
    </message>
    <message>
        <source>Account link: member number unknown</source>
        <translation>アカウント連携：会員番号が見つからない</translation>
    </message>
</context>
<context>
    <name>MemberReviewDialog</name>
    <message>
        <source>Member links to review</source>
        <translation>会員連携の確認</translation>
    </message>
    <message>
        <source>These requests came close but were not linked. Link the friend to a member, or refuse.</source>
        <translation>会員情報とほぼ一致しましたが、自動では連携していない申請です。友だちを会員と連携するか、連携しないかを選んでください。</translation>
    </message>
    <message>
        <source>Why it waits</source>
        <translation>確認が必要な理由</translation>
    </message>
    <message>
        <source>Member number entered</source>
        <translation>入力された会員番号</translation>
    </message>
    <message>
        <source>Requested at</source>
        <translation>申請日時</translation>
    </message>
    <message>
        <source>LINE friend</source>
        <translation>LINEの友だち</translation>
    </message>
    <message>
        <source>Suggested member</source>
        <translation>候補の会員</translation>
    </message>
    <message>
        <source>Link to the suggested member</source>
        <translation>候補の会員と連携</translation>
    </message>
    <message>
        <source>Link to another customer…</source>
        <translation>別のお客様と連携…</translation>
    </message>
    <message>
        <source>Do not link</source>
        <translation>連携しない</translation>
    </message>
</context>
<context>
    <name>OrdersDialog</name>
    <message>
        <source>Orders</source>
        <translation>注文一覧</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>期間</translation>
    </message>
    <message>
        <source>Any state</source>
        <translation>すべての状態</translation>
    </message>
    <message>
        <source>Sold any way</source>
        <translation>すべての経路</translation>
    </message>
    <message>
        <source>Order number</source>
        <translation>注文番号</translation>
    </message>
    <message>
        <source>Ordered at</source>
        <translation>注文日時</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>お客様</translation>
    </message>
    <message>
        <source>Sold by</source>
        <translation>経路</translation>
    </message>
    <message>
        <source>Order state</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Order total</source>
        <translation>合計</translation>
    </message>
    <message>
        <source>Refunded amount</source>
        <translation>返金額</translation>
    </message>
    <message>
        <source>Refund…</source>
        <translation>返金…</translation>
    </message>
    <message>
        <source>Show the receipt</source>
        <translation>領収書を表示</translation>
    </message>
    <message>
        <source>Save the receipt…</source>
        <translation>領収書を保存…</translation>
    </message>
    <message>
        <source>Send the receipt on LINE</source>
        <translation>領収書をLINEで送る</translation>
    </message>
    <message>
        <source>Write as CSV…</source>
        <translation>CSVに書き出す…</translation>
    </message>
    <message>
        <source>%1 orders, %2 in all</source>
        <translation>%1件、合計 %2</translation>
    </message>
    <message>
        <source>The receipt could not be saved: %1</source>
        <translation>領収書を保存できませんでした: %1</translation>
    </message>
    <message>
        <source>Saved the receipt: %1</source>
        <translation>領収書を保存しました: %1</translation>
    </message>
    <message>
        <source>Sent the receipt&apos;s link on LINE.</source>
        <translation>領収書のリンクをLINEで送りました。</translation>
    </message>
    <message>
        <source>The receipt could not be sent.</source>
        <translation>領収書を送れませんでした。</translation>
    </message>
    <message>
        <source>Sending the receipt…</source>
        <translation>領収書を送っています…</translation>
    </message>
    <message>
        <source>Write the orders as CSV</source>
        <translation>注文をCSVに書き出す</translation>
    </message>
</context>
<context>
    <name>ProductsDialog</name>
    <message>
        <source>Products</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Product code</source>
        <translation>商品コード</translation>
    </message>
    <message>
        <source>Product name</source>
        <translation>商品名</translation>
    </message>
    <message>
        <source>Price (tax included)</source>
        <translation>価格（税込）</translation>
    </message>
    <message>
        <source>Tax rate</source>
        <translation>税率</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>写真</translation>
    </message>
    <message>
        <source>Choose a photo…</source>
        <translation>写真を選ぶ…</translation>
    </message>
    <message>
        <source>Remove the photo</source>
        <translation>写真を外す</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>あり</translation>
    </message>
    <message>
        <source>Choose a product.</source>
        <translation>商品を選んでください。</translation>
    </message>
    <message>
        <source>Drop a JPEG or PNG photo here (at most 300 KB).</source>
        <translation>JPEG か PNG の写真をここにドロップしてください（300 KB まで）。</translation>
    </message>
    <message>
        <source>Saved. The product page shows it once the catalogue is next sent to the relay.</source>
        <translation>保存しました。次に商品一覧を中継サーバーへ送ると、商品ページに表示されます。</translation>
    </message>
    <message>
        <source>The file cannot be read: %1</source>
        <translation>ファイルを読み込めません: %1</translation>
    </message>
    <message>
        <source>Choose a photo</source>
        <translation>写真を選ぶ</translation>
    </message>
    <message>
        <source>Images (*.jpg *.jpeg *.png)</source>
        <translation>画像 (*.jpg *.jpeg *.png)</translation>
    </message>
</context>
<context>
    <name>PurchaseHistory</name>
    <message>
        <source>Purchase history</source>
        <translation>購入履歴</translation>
    </message>
    <message>
        <source>No purchases yet.</source>
        <translation>まだ購入はありません。</translation>
    </message>
    <message>
        <source>%1 purchases, %2 in all, last on %3</source>
        <translation>購入 %1回、合計 %2、最終購入 %3</translation>
    </message>
</context>
<context>
    <name>PurchasesIntegration</name>
    <message>
        <source>&amp;Orders…</source>
        <translation>注文一覧(&amp;O)…</translation>
    </message>
    <message>
        <source>Sale at the &amp;counter…</source>
        <translation>店頭販売(&amp;C)…</translation>
    </message>
    <message>
        <source>Member links to &amp;review…</source>
        <translation>会員連携の確認(&amp;R)…</translation>
    </message>
    <message>
        <source>Sa&amp;les</source>
        <translation>販売(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Products…</source>
        <translation>商品(&amp;P)…</translation>
    </message>
    <message>
        <source>Receipt &amp;issuer…</source>
        <translation>領収書の発行者(&amp;I)…</translation>
    </message>
</context>
<context>
    <name>QuickSaleDialog</name>
    <message>
        <source>Sale at the counter</source>
        <translation>店頭販売</translation>
    </message>
    <message>
        <source>No customer</source>
        <translation>お客様なし</translation>
    </message>
    <message>
        <source>Customer: %1</source>
        <translation>お客様: %1</translation>
    </message>
    <message>
        <source>Add to the sale</source>
        <translation>追加</translation>
    </message>
    <message>
        <source>Record the sale</source>
        <translation>販売を記録</translation>
    </message>
    <message>
        <source>Total (tax included): %1</source>
        <translation>合計（税込）: %1</translation>
    </message>
</context>
<context>
    <name>Receipts</name>
    <message>
        <source>Save the receipt</source>
        <translation>領収書を保存</translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <source>Refund order %1</source>
        <translation>注文 %1 の返金</translation>
    </message>
    <message>
        <source>Paid %1, refunded %2, left %3</source>
        <translation>支払い %1、返金済み %2、残り %3</translation>
    </message>
    <message>
        <source>Refund all that is left</source>
        <translation>残りをすべて返金</translation>
    </message>
    <message>
        <source>Refund part of it</source>
        <translation>一部を返金</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>返金する</translation>
    </message>
    <message>
        <source>Paid online: Stripe makes the refund (through the relay), and the book shows it after the next sync.</source>
        <translation>オンライン決済の注文です。返金はStripeで行われ（中継サーバー経由）、次の同期のあとで顧客台帳に反映されます。</translation>
    </message>
    <message>
        <source>The refund could not be asked of Stripe.</source>
        <translation>Stripeに返金を依頼できませんでした。</translation>
    </message>
    <message>
        <source>Asking Stripe for the refund…</source>
        <translation>Stripeに返金を依頼しています…</translation>
    </message>
    <message>
        <source>Nothing is left to refund.</source>
        <translation>返金できる残りはありません。</translation>
    </message>
</context>
<context>
    <name>purchases</name>
    <message>
        <source>This is not an amount in yen.</source>
        <translation>金額（円）として読めません。</translation>
    </message>
    <message>
        <source>The tax rate must be 10% or 8%.</source>
        <translation>税率は10%か8%にしてください。</translation>
    </message>
    <message>
        <source>This is not a date (write 2026-12-05 or 2026/12/05 10:30).</source>
        <translation>日付として読めません（2026-12-05 や 2026/12/05 10:30 のように書いてください）。</translation>
    </message>
    <message>
        <source>This is not a whole number.</source>
        <translation>整数として読めません。</translation>
    </message>
    <message>
        <source>A required column is missing.</source>
        <translation>必要な列がありません。</translation>
    </message>
    <message>
        <source>The order number is empty.</source>
        <translation>注文番号が空です。</translation>
    </message>
    <message>
        <source>Stripe did not make the refund.</source>
        <translation>決済サービスで返金できませんでした。</translation>
    </message>
    <message>
        <source>Check the order in Stripe&apos;s dashboard, or try again later.</source>
        <translation>決済サービスの管理画面で注文を確認するか、時間をおいてもう一度お試しください。</translation>
    </message>
    <message>
        <source>This order was not paid online.</source>
        <translation>この注文はオンライン決済ではありません。</translation>
    </message>
    <message>
        <source>Refund it in the book instead.</source>
        <translation>顧客台帳の注文から返金してください。</translation>
    </message>
    <message>
        <source>The registration number is T followed by 13 digits.</source>
        <translation>登録番号は T のあとに13桁の数字です。</translation>
    </message>
    <message>
        <source>The receipt needs the shop&apos;s name.</source>
        <translation>領収書にはお店の名前が必要です。</translation>
    </message>
    <message>
        <source>Set the shop&apos;s name and registration number before making receipts.</source>
        <translation>領収書を作る前に、お店の名前と登録番号を設定してください。</translation>
    </message>
    <message>
        <source>This order&apos;s customer is not a LINE friend, so the receipt cannot be sent on LINE.</source>
        <translation>この注文のお客様はLINEの友だちではないため、領収書をLINEで送れません。</translation>
    </message>
    <message>
        <source>Save the receipt as a PDF and hand it over instead.</source>
        <translation>代わりに領収書をPDFで保存して、お渡しください。</translation>
    </message>
    <message>
        <source>A receipt link works from 1 to 365 days.</source>
        <translation>領収書のリンクの有効期間は1日から365日までです。</translation>
    </message>
    <message>
        <source>Give the link between 1 and 365 days.</source>
        <translation>リンクの有効期間は1日から365日の間で指定してください。</translation>
    </message>
    <message>
        <source>A price or quantity is out of range.</source>
        <translation>価格または数量が範囲外です。</translation>
    </message>
    <message>
        <source>A product needs a code and a name.</source>
        <translation>商品にはコードと名前が必要です。</translation>
    </message>
    <message>
        <source>A product photo must be a JPEG or PNG image.</source>
        <translation>商品の写真は JPEG か PNG のファイルにしてください。</translation>
    </message>
    <message>
        <source>The photo is too large: make it at most 300 KB (for example 1000 pixels wide) and try again.</source>
        <translation>写真が大きすぎます。300 KB 以下（たとえば幅1000ピクセル）にしてから、もう一度お試しください。</translation>
    </message>
    <message>
        <source>There is no product with this code.</source>
        <translation>このコードの商品はありません。</translation>
    </message>
    <message>
        <source>A sale needs at least one line.</source>
        <translation>販売には明細が1行以上必要です。</translation>
    </message>
    <message>
        <source>A refund cannot be larger than what is left of the payment.</source>
        <translation>返金額は、支払われた金額の残りを超えられません。</translation>
    </message>
    <message>
        <source>A line needs a product, or a name and a price.</source>
        <translation>明細には商品か、品名と価格が必要です。</translation>
    </message>
    <message>
        <source>Not enough in stock.</source>
        <translation>在庫が足りません。</translation>
    </message>
    <message>
        <source>The member number is empty or appears twice.</source>
        <translation>会員番号が空か、2回出てきます。</translation>
    </message>
    <message>
        <source>The relay has no LIFF app, so the member-link page has no link for every friend.</source>
        <translation>中継サーバーにLIFFアプリが設定されていないため、会員連携ページを友だち全員に共通のリンクで開けません。</translation>
    </message>
    <message>
        <source>Set RELAY_LIFF_ID and RELAY_LINE_LOGIN_CHANNEL_ID on the relay, or make each friend&apos;s own link instead.</source>
        <translation>中継サーバーに RELAY_LIFF_ID と RELAY_LINE_LOGIN_CHANNEL_ID を設定するか、代わりに友だちごとのリンクを作ってください。</translation>
    </message>
    <message>
        <source>This link request is no longer waiting for review.</source>
        <translation>この連携申請は、もう確認待ちではありません。</translation>
    </message>
    <message>
        <source>It was decided already. Refresh the list.</source>
        <translation>すでに決定済みです。一覧を更新してください。</translation>
    </message>
    <message>
        <source>This customer cannot be linked to the friend: they are already on LINE, or are the friend themselves.</source>
        <translation>このお客様は友だちと連携できません。すでにLINEとつながっているか、友だち本人です。</translation>
    </message>
    <message>
        <source>Choose a member who is not on LINE yet.</source>
        <translation>まだLINEとつながっていない会員を選んでください。</translation>
    </message>
</context>
<context>
    <name>purchases.ui</name>
    <message>
        <source>At the counter</source>
        <translation>店頭</translation>
    </message>
    <message>
        <source>Imported from CSV</source>
        <translation>CSV取り込み</translation>
    </message>
    <message>
        <source>Paid online</source>
        <translation>オンライン決済</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>支払い済み</translation>
    </message>
    <message>
        <source>Partly refunded</source>
        <translation>一部返金</translation>
    </message>
    <message>
        <source>Refunded in full</source>
        <translation>全額返金</translation>
    </message>
</context>
</TS>
