<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
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
</context>
</TS>
