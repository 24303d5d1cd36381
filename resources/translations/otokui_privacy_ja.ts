<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AuditActions</name>
    <message>
        <source>CSV export</source>
        <extracomment>The log&apos;s actions in the owner&apos;s words (others are shown as they are stored).</extracomment>
        <translation>CSVの書き出し</translation>
    </message>
    <message>
        <source>CSV import</source>
        <translation>CSVの取り込み</translation>
    </message>
    <message>
        <source>Skipped rows saved</source>
        <translation>取り込まなかった行の保存</translation>
    </message>
    <message>
        <source>File opened</source>
        <translation>ファイルを開いた</translation>
    </message>
    <message>
        <source>File saved</source>
        <translation>ファイルを保存した</translation>
    </message>
    <message>
        <source>File deleted</source>
        <translation>ファイルを削除した</translation>
    </message>
    <message>
        <source>Customers deleted</source>
        <translation>お客様の削除</translation>
    </message>
    <message>
        <source>Tag added to many</source>
        <translation>タグの一括追加</translation>
    </message>
    <message>
        <source>Tag removed from many</source>
        <translation>タグの一括解除</translation>
    </message>
    <message>
        <source>Backup made</source>
        <translation>バックアップの作成</translation>
    </message>
    <message>
        <source>Backup restored</source>
        <translation>バックアップからの復元</translation>
    </message>
    <message>
        <source>Book key changed</source>
        <translation>台帳の鍵の変更</translation>
    </message>
    <message>
        <source>Field deleted</source>
        <translation>カスタム項目の削除</translation>
    </message>
    <message>
        <source>Tag deleted</source>
        <translation>タグの削除</translation>
    </message>
    <message>
        <source>Form deleted</source>
        <translation>フォームの削除</translation>
    </message>
    <message>
        <source>Inflow route deleted</source>
        <translation>流入経路を削除</translation>
    </message>
    <message>
        <source>Member linked</source>
        <translation>会員連携</translation>
    </message>
    <message>
        <source>Member linked from the review</source>
        <translation>確認待ちから会員連携</translation>
    </message>
    <message>
        <source>Member link refused</source>
        <translation>会員連携を拒否</translation>
    </message>
    <message>
        <source>Privacy policy published</source>
        <translation>プライバシーポリシーの公開</translation>
    </message>
    <message>
        <source>Disclosure written</source>
        <translation>開示請求の書き出し</translation>
    </message>
    <message>
        <source>Deleted on request</source>
        <translation>ご本人の求めによる削除</translation>
    </message>
    <message>
        <source>Deleted by a retention rule</source>
        <translation>保存期間による削除</translation>
    </message>
    <message>
        <source>Retention rules run</source>
        <translation>保存期間の実行</translation>
    </message>
    <message>
        <source>Incident recorded</source>
        <translation>事案の記録</translation>
    </message>
    <message>
        <source>Incident changed</source>
        <translation>事案の変更</translation>
    </message>
    <message>
        <source>Incident report written</source>
        <translation>事案の報告の書き出し</translation>
    </message>
    <message>
        <source>Affected customers listed</source>
        <translation>影響を受けるお客様の書き出し</translation>
    </message>
    <message>
        <source>Customer %1</source>
        <extracomment>What an entry&apos;s target names, in the owner&apos;s words (&quot;customer:42&quot; → お客様 42).</extracomment>
        <translation>お客様 %1</translation>
    </message>
    <message>
        <source>File %1</source>
        <translation>ファイル %1</translation>
    </message>
    <message>
        <source>Incident %1</source>
        <translation>事案 %1</translation>
    </message>
    <message>
        <source>Form %1</source>
        <translation>フォーム %1</translation>
    </message>
    <message>
        <source>Tag %1</source>
        <translation>タグ %1</translation>
    </message>
    <message>
        <source>Field %1</source>
        <translation>カスタム項目 %1</translation>
    </message>
    <message>
        <source>Inflow route %1</source>
        <translation>流入経路 %1</translation>
    </message>
    <message>
        <source>Link request %1</source>
        <translation>連携申請 %1</translation>
    </message>
</context>
<context>
    <name>AuditModel</name>
    <message>
        <source>When</source>
        <comment>audit log</comment>
        <translation>日時</translation>
    </message>
    <message>
        <source>Action</source>
        <comment>audit log</comment>
        <translation>操作</translation>
    </message>
    <message>
        <source>Concerning</source>
        <comment>audit log</comment>
        <translation>対象</translation>
    </message>
    <message>
        <source>Count</source>
        <comment>audit log</comment>
        <translation>件数</translation>
    </message>
    <message>
        <source>Details</source>
        <comment>audit log</comment>
        <translation>詳細</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <source>From</source>
        <translation>開始日</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>終了日</translation>
    </message>
    <message>
        <source>Search the log…</source>
        <translation>記録を検索…</translation>
    </message>
    <message>
        <source>Save as CSV…</source>
        <translation>CSVで保存…</translation>
    </message>
    <message>
        <source>Who did what to whose data, and when. Customers are named by their number only.</source>
        <translation>誰が、いつ、誰の情報に何をしたかの記録です。お客様は番号だけで記録されています。</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>すべての操作</translation>
    </message>
    <message>
        <source>%1 entries</source>
        <translation>%1件</translation>
    </message>
    <message>
        <source>Save the audit log as CSV</source>
        <translation>監査ログをCSVで保存</translation>
    </message>
    <message>
        <source>%1 entries saved to %2.</source>
        <translation>%1件を %2 に保存しました。</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>保存しています…</translation>
    </message>
</context>
<context>
    <name>IncidentDialog</name>
    <message>
        <source>Incident</source>
        <translation>事案</translation>
    </message>
    <message>
        <source>Incident %1</source>
        <translation>事案 %1</translation>
    </message>
    <message>
        <source>e.g. a notebook with the book was stolen</source>
        <translation>例：台帳の入ったノートパソコンが盗まれた</translation>
    </message>
    <message>
        <source>Known</source>
        <translation>わかっている</translation>
    </message>
    <message>
        <source>Done with a wrongful purpose (unauthorised access, theft)</source>
        <translation>不正の目的によるおそれ（不正アクセス・盗難など）</translation>
    </message>
    <message>
        <source>Includes sensitive data (health, etc.)</source>
        <translation>要配慮個人情報（病歴など）を含む</translation>
    </message>
    <message>
        <source>Financial harm may follow</source>
        <translation>財産的被害が生じるおそれがある</translation>
    </message>
    <message>
        <source>Count from the range</source>
        <translation>期間から数える</translation>
    </message>
    <message>
        <source>Prompt report (速報) sent on</source>
        <translation>速報を報告した日</translation>
    </message>
    <message>
        <source>Full report (確報) sent on</source>
        <translation>確報を報告した日</translation>
    </message>
    <message>
        <source>Name of the incident</source>
        <translation>事案の名称</translation>
    </message>
    <message>
        <source>Found on</source>
        <translation>発覚日</translation>
    </message>
    <message>
        <source>Days of access</source>
        <translation>漏えい等の期間</translation>
    </message>
</context>
<context>
    <name>LeakPage</name>
    <message>
        <source>No.</source>
        <translation>番号</translation>
    </message>
    <message>
        <source>Found on</source>
        <translation>発覚日</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>事案</translation>
    </message>
    <message>
        <source>Prompt report (速報) by</source>
        <translation>速報の目安</translation>
    </message>
    <message>
        <source>Full report (確報) by</source>
        <translation>確報の期限</translation>
    </message>
    <message>
        <source>New incident…</source>
        <translation>新しい事案…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>編集…</translation>
    </message>
    <message>
        <source>Prompt report (速報)…</source>
        <translation>速報を書き出す…</translation>
    </message>
    <message>
        <source>Full report (確報)…</source>
        <translation>確報を書き出す…</translation>
    </message>
    <message>
        <source>Count them</source>
        <translation>数える</translation>
    </message>
    <message>
        <source>Save as CSV…</source>
        <translation>CSVで保存…</translation>
    </message>
    <message>
        <source>Readiness checklist</source>
        <translation>備えのチェックリスト</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>事案</translation>
    </message>
    <message>
        <source>Who is affected</source>
        <translation>影響を受けるお客様</translation>
    </message>
    <message>
        <source>Everyone in the book during these days, marked when the audit log names them (their files opened, their data written out).</source>
        <translation>この期間に顧客台帳にあったすべてのお客様です。監査ログに名前のある方（ファイルを開いた・情報を書き出したなど）には印を付けます。</translation>
    </message>
    <message>
        <source>(checked on %1)</source>
        <translation>（%1 に確認）</translation>
    </message>
    <message>
        <source>sent %1</source>
        <translation>%1 報告済み</translation>
    </message>
    <message>
        <source>Save the report draft</source>
        <translation>報告の下書きを保存</translation>
    </message>
    <message>
        <source>Saved %1. %2</source>
        <translation>%1 を保存しました。%2</translation>
    </message>
    <message>
        <source>Still empty: %1</source>
        <translation>未記入：%1</translation>
    </message>
    <message>
        <source>Save who is affected (it holds personal data)</source>
        <translation>影響を受けるお客様を保存（個人情報を含みます）</translation>
    </message>
    <message>
        <source>%1 customers were in the book; %2 of them are named in the audit log then.</source>
        <translation>この期間に %1 人のお客様が顧客台帳にありました。うち %2 人は期間中の監査ログに名前があります。</translation>
    </message>
    <message>
        <source>The whole list left the book %1 times (exports, backups).</source>
        <translation>一覧全体が台帳の外に出たのは %1 回です（書き出し・バックアップ）。</translation>
    </message>
    <message>
        <source>%1 customers deleted since may also have been in it.</source>
        <translation>その後削除した %1 人も含まれていた可能性があります。</translation>
    </message>
    <message>
        <source>Saved %1: it holds personal data.</source>
        <translation>%1 を保存しました（個人情報を含みます）。</translation>
    </message>
</context>
<context>
    <name>PolicyPage</name>
    <message>
        <source>Business name</source>
        <translation>事業者名</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>住所</translation>
    </message>
    <message>
        <source>Representative</source>
        <translation>代表者</translation>
    </message>
    <message>
        <source>Contact for requests</source>
        <translation>お問い合わせ窓口</translation>
    </message>
    <message>
        <source>Who runs the relay server</source>
        <translation>中継サーバーの運営者</translation>
    </message>
    <message>
        <source>Other purposes (one a line)</source>
        <translation>その他の利用目的（1行に1つ）</translation>
    </message>
    <message>
        <source>Other data collected</source>
        <translation>その他の取得する情報</translation>
    </message>
    <message>
        <source>Provision to third parties (empty: none)</source>
        <translation>第三者への提供（空欄：なし）</translation>
    </message>
    <message>
        <source>Other entrusted parties (one a line)</source>
        <translation>その他の委託先（1行に1つ）</translation>
    </message>
    <message>
        <source>How long data is kept</source>
        <translation>保存期間</translation>
    </message>
    <message>
        <source>Request procedure (empty: the standard text)</source>
        <translation>開示等の請求の手続き（空欄：標準の文）</translation>
    </message>
    <message>
        <source>Other security measures</source>
        <translation>その他の安全管理措置</translation>
    </message>
    <message>
        <source>Purposes of use</source>
        <translation>利用目的</translation>
    </message>
    <message>
        <source>What is collected</source>
        <translation>取得する情報</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版</translation>
    </message>
    <message>
        <source>In force from</source>
        <translation>施行日</translation>
    </message>
    <message>
        <source>On the relay</source>
        <translation>中継サーバーへの掲載</translation>
    </message>
    <message>
        <source>Save details</source>
        <translation>内容を保存</translation>
    </message>
    <message>
        <source>Publish as a new version</source>
        <translation>新しい版として公開</translation>
    </message>
    <message>
        <source>Tell those who agreed to an older version…</source>
        <translation>旧版に同意した方へお知らせ…</translation>
    </message>
    <message>
        <source>Saves the segment of customers who agreed only to an older version and opens a broadcast to them with a message linking the new one.</source>
        <translation>旧版にだけ同意したお客様のセグメントを保存し、新しい版へのリンクを入れたメッセージで、その方々への配信を開きます。</translation>
    </message>
    <message>
        <source>Preview</source>
        <extracomment>Called with (segment id, text) when an announcement is ready: the main window opens the broadcast composer with them (unset: the text goes to the clipboard).</extracomment>
        <translation>プレビュー</translation>
    </message>
    <message>
        <source>Published versions</source>
        <translation>公開した版</translation>
    </message>
    <message>
        <source>Still to fill in (the law asks for them): %1</source>
        <translation>未記入の項目（法律で必要です）：%1</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>第%1版</translation>
    </message>
    <message>
        <source>Not yet</source>
        <translation>まだ</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>保存しました。</translation>
    </message>
    <message>
        <source>Published as version %1.</source>
        <translation>第%1版として公開しました。</translation>
    </message>
    <message>
        <source>No changes since version %1.</source>
        <translation>第%1版から変更はありません。</translation>
    </message>
    <message>
        <source>The relay&apos;s page shows it.</source>
        <translation>中継サーバーのページに表示されています。</translation>
    </message>
    <message>
        <source>Not connected to a relay: it is recorded in the book.</source>
        <translation>中継サーバーに接続していないため、台帳に記録しました。</translation>
    </message>
    <message>
        <source>Publishing…</source>
        <translation>公開しています…</translation>
    </message>
    <message>
        <source>%1 customer(s) agreed only to an older version (segment “%2”).</source>
        <translation>旧版にだけ同意したお客様: %1人（セグメント「%2」）。</translation>
    </message>
    <message>
        <source>The message is copied: send it as a broadcast to that segment.</source>
        <translation>メッセージをコピーしました。このセグメントへの配信で送ってください。</translation>
    </message>
    <message>
        <source>Preparing the announcement…</source>
        <translation>お知らせを準備しています…</translation>
    </message>
</context>
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
        <source>Privacy…</source>
        <translation>プライバシー…</translation>
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
    <name>PrivacySettingsTab</name>
    <message>
        <source>Never</source>
        <translation>しない</translation>
    </message>
    <message>
        <source>Privacy policy</source>
        <translation>プライバシーポリシー</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>第%1版</translation>
    </message>
    <message>
        <source>Not published yet</source>
        <translation>未公開</translation>
    </message>
    <message>
        <source>Retention</source>
        <translation>保存期間</translation>
    </message>
    <message>
        <source>blocked friends: %1</source>
        <translation>ブロックした友だち：%1</translation>
    </message>
    <message>
        <source>%1 months</source>
        <translation>%1か月</translation>
    </message>
    <message>
        <source>messages: %1</source>
        <translation>メッセージ：%1</translation>
    </message>
    <message>
        <source>%1 years</source>
        <translation>%1年</translation>
    </message>
    <message>
        <source>files: %1</source>
        <translation>ファイル：%1</translation>
    </message>
    <message>
        <source>Leak readiness</source>
        <translation>漏えいへの備え</translation>
    </message>
    <message>
        <source>%1 of %2 checked, %3 incidents</source>
        <translation>チェック %1／%2、事案 %3 件</translation>
    </message>
    <message>
        <source>The privacy policy, retention rules, audit log and leak readiness are in their own window (also in Tools → Privacy…).</source>
        <translation>プライバシーポリシー、保存期間、監査ログ、漏えいへの備えは、専用のウィンドウで設定します（ツール → プライバシー… からも開けます）。</translation>
    </message>
    <message>
        <source>Privacy policy…</source>
        <translation>プライバシーポリシー…</translation>
    </message>
    <message>
        <source>Retention…</source>
        <translation>保存期間…</translation>
    </message>
    <message>
        <source>Audit log…</source>
        <translation>監査ログ…</translation>
    </message>
    <message>
        <source>Leak readiness…</source>
        <translation>漏えいへの備え…</translation>
    </message>
    <message>
        <source>Privacy</source>
        <translation>プライバシー</translation>
    </message>
</context>
<context>
    <name>PrivacyWindow</name>
    <message>
        <source>Privacy</source>
        <translation>プライバシー</translation>
    </message>
    <message>
        <source>Privacy policy</source>
        <translation>プライバシーポリシー</translation>
    </message>
    <message>
        <source>Retention</source>
        <translation>保存期間</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>監査ログ</translation>
    </message>
    <message>
        <source>Leak readiness</source>
        <translation>漏えいへの備え</translation>
    </message>
</context>
<context>
    <name>RetentionPage</name>
    <message>
        <source> months</source>
        <translation> か月</translation>
    </message>
    <message>
        <source> years</source>
        <translation> 年</translation>
    </message>
    <message>
        <source>Delete friends blocked for more than</source>
        <translation>ブロックされてから次の期間を過ぎた友だちを削除</translation>
    </message>
    <message>
        <source>Delete messages older than</source>
        <translation>次の期間より古いメッセージを削除</translation>
    </message>
    <message>
        <source>Delete files older than</source>
        <translation>次の期間より古いファイルを削除</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>プレビュー</translation>
    </message>
    <message>
        <source>Save rules</source>
        <translation>ルールを保存</translation>
    </message>
    <message>
        <source>Delete now…</source>
        <translation>今すぐ削除…</translation>
    </message>
    <message>
        <source>Preview first: nothing is deleted before you see what goes.</source>
        <translation>まずプレビューしてください。何が削除されるかを確認するまで、何も削除しません。</translation>
    </message>
    <message>
        <source>Keep customer data no longer than needed. 0 means never. Every run is recorded in the audit log.</source>
        <translation>お客様の情報は必要な期間だけ保存しましょう。0 は削除しないという意味です。実行するたびに監査ログに残ります。</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>しない</translation>
    </message>
    <message>
        <source>Rules saved.</source>
        <translation>ルールを保存しました。</translation>
    </message>
    <message>
        <source>These %1 customers, %2 messages and %3 files will be deleted.</source>
        <translation>次の %1 人のお客様、%2 件のメッセージ、%3 件のファイルが削除されます。</translation>
    </message>
    <message>
        <source>Retention</source>
        <translation>保存期間</translation>
    </message>
    <message>
        <source>Delete them for good?</source>
        <translation>完全に削除しますか？</translation>
    </message>
    <message>
        <source>Deleted: %1 customers, %2 messages, %3 files.</source>
        <translation>削除しました：お客様 %1 人、メッセージ %2 件、ファイル %3 件。</translation>
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
        <source>Only the first version of the privacy policy is published: nobody agreed to an older one.</source>
        <translation>プライバシーポリシーは第1版しか公開されていないため、旧版に同意した方はいません。</translation>
    </message>
    <message>
        <source>After you publish a new version, tell those who agreed to an older one from here.</source>
        <translation>新しい版を公開したあとで、ここから旧版に同意した方へお知らせしてください。</translation>
    </message>
    <message>
        <source>The newest version of the privacy policy is not on the relay yet, so friends cannot open it.</source>
        <translation>最新版のプライバシーポリシーがまだ中継サーバーに載っていないため、友だちが開けません。</translation>
    </message>
    <message>
        <source>Publish the policy to the relay first, then tell your friends about it.</source>
        <translation>先にポリシーを中継サーバーに公開してから、友だちにお知らせしてください。</translation>
    </message>
    <message>
        <source>A person responsible for customer data is named</source>
        <translation>お客様の情報の責任者を決めている</translation>
    </message>
    <message>
        <source>Basic rules for handling customer data are written down (who may see what, where it is kept)</source>
        <translation>お客様の情報の取扱いの基本的なルール（誰が何を見てよいか、どこに保管するか）を書いている</translation>
    </message>
    <message>
        <source>Staff who use the book know the rules and keep them secret, also after leaving</source>
        <translation>台帳を使う従業者がルールを知っており、退職後も秘密を守る約束をしている</translation>
    </message>
    <message>
        <source>The book&apos;s passphrase is known only to those who need it; former staff cannot open it</source>
        <translation>台帳のパスフレーズは必要な人だけが知っており、退職者は開けない</translation>
    </message>
    <message>
        <source>Computers are updated, have antivirus, lock themselves and are not left unattended</source>
        <translation>パソコンを更新し、ウイルス対策を入れ、自動でロックし、放置しない</translation>
    </message>
    <message>
        <source>Backups are kept in a known place, and old ones are deleted</source>
        <translation>バックアップの保管場所を決め、古いものは削除している</translation>
    </message>
    <message>
        <source>Entrusted parties (LINE, the relay&apos;s host) are known and overseen</source>
        <translation>委託先（LINE・中継サーバーの運営者）を把握し、監督している</translation>
    </message>
    <message>
        <source>How to report to the PPC is checked (the PPC&apos;s online report form)</source>
        <translation>個人情報保護委員会への報告方法（委員会のウェブの報告フォーム）を確認している</translation>
    </message>
    <message>
        <source>Who does what when a leak is found is decided: stop it, record it here, find who is affected, report</source>
        <translation>漏えい等に気づいたときの役割を決めている（止める・ここに記録する・影響を受けるお客様を調べる・報告する）</translation>
    </message>
    <message>
        <source>A way to tell affected customers is ready (LINE message, phone, notice in the shop)</source>
        <translation>影響を受けるお客様への連絡手段を用意している（LINEのメッセージ・電話・店内の掲示）</translation>
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
