<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
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
        <source>A price or quantity is out of range.</source>
        <translation>価格または数量が範囲外です。</translation>
    </message>
    <message>
        <source>A product needs a code and a name.</source>
        <translation>商品にはコードと名前が必要です。</translation>
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
</context>
</TS>
