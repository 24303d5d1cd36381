<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>privacy</name>
    <message>
        <source>No version of the privacy policy has been published yet.</source>
        <translation>プライバシーポリシーはまだ公開されていません。</translation>
    </message>
    <message>
        <source>Fill in the shop&apos;s details and publish the policy first.</source>
        <translation>先にお店の情報を入力して、プライバシーポリシーを公開してください。</translation>
    </message>
    <message>
        <source>The relay cannot show a privacy policy yet.</source>
        <translation>中継サーバーがまだプライバシーポリシーを表示できません。</translation>
    </message>
    <message>
        <source>Update the relay to the newest version, then publish again.</source>
        <translation>中継サーバーを最新版に更新してから、もう一度公開してください。</translation>
    </message>
    <message>
        <source>There is no customer with this number in the book.</source>
        <translation>この番号のお客様は台帳にいません。</translation>
    </message>
    <message>
        <source>Check the customer&apos;s number and try again.</source>
        <translation>お客様の番号を確かめて、もう一度お試しください。</translation>
    </message>
    <message>
        <source>Privacy policy</source>
        <translation>プライバシーポリシー</translation>
    </message>
    <message>
        <source>Not agreed</source>
        <translation>同意の記録なし</translation>
    </message>
    <message>
        <source>Agreed to version %1 (%2)</source>
        <translation>第%1版に同意（%2）</translation>
    </message>
</context>
</TS>
