<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>PrivacyIntegration</name>
    <message>
        <source>Privacy</source>
        <translation>プライバシー</translation>
    </message>
    <message>
        <source>Disclose this customer&apos;s data…</source>
        <translation>このお客様の情報を開示…</translation>
    </message>
    <message>
        <source>Delete this customer on request…</source>
        <translation>ご本人の求めでこのお客様を削除…</translation>
    </message>
    <message>
        <source>Select one customer first.</source>
        <translation>先にお客様を1人選んでください。</translation>
    </message>
    <message>
        <source>Save the disclosure (it holds personal data)</source>
        <translation>開示ファイルの保存（個人情報を含みます）</translation>
    </message>
    <message>
        <source>Disclosure written. It holds personal data: hand it only to the person, then delete your copy.</source>
        <translation>開示ファイルを書き出しました。個人情報を含むため、ご本人にだけ渡し、渡した後はお店の控えを削除してください。</translation>
    </message>
    <message>
        <source>Writing the disclosure…</source>
        <translation>開示ファイルを書き出しています…</translation>
    </message>
    <message>
        <source>Delete on request</source>
        <translation>ご本人の求めによる削除</translation>
    </message>
    <message>
        <source>Delete this customer and everything held about them (messages, files, form answers) for good? This cannot be undone.</source>
        <translation>このお客様と、お客様について保存しているすべての情報（メッセージ・ファイル・フォームの回答）を完全に削除しますか？元に戻せません。</translation>
    </message>
    <message>
        <source>Customer deleted on request.</source>
        <translation>ご本人の求めによりお客様を削除しました。</translation>
    </message>
    <message>
        <source>Older backups still hold them: %1.</source>
        <translation>以前のバックアップ（%1件）にはまだ残っています。</translation>
    </message>
    <message>
        <source>Deleting…</source>
        <translation>削除しています…</translation>
    </message>
</context>
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
