<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>attachments</name>
    <message>
        <source>Contract</source>
        <translation>契約書</translation>
    </message>
    <message>
        <source>ID document</source>
        <translation>身分証明書</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>写真</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>その他</translation>
    </message>
    <message>
        <source>This is not a file that can be attached.</source>
        <translation>このファイルは添付できません。</translation>
    </message>
    <message>
        <source>This file is too large to preview. Save a copy to open it.</source>
        <translation>ファイルが大きすぎるため、ここでは表示できません。コピーを保存して開いてください。</translation>
    </message>
</context>
<context>
    <name>csv</name>
    <message>
        <source>Several customers have this phone number; add the LINE user ID or the email address to say which one.</source>
        <translation>この電話番号のお客さまが複数います。どのお客さまか分かるよう、LINEユーザーIDかメールアドレスを加えてください。</translation>
    </message>
    <message>
        <source>Several customers have this email address; add the LINE user ID to say which one.</source>
        <translation>このメールアドレスのお客さまが複数います。どのお客さまか分かるよう、LINEユーザーIDを加えてください。</translation>
    </message>
    <message>
        <source>The same customer is already in an earlier row of this file.</source>
        <translation>同じお客さまが、このファイルの前の行にもあります。</translation>
    </message>
    <message>
        <source>The file is neither UTF-8 nor Shift_JIS text.</source>
        <translation>このファイルはUTF-8でもShift_JISでもありません。</translation>
    </message>
    <message>
        <source>The file is empty.</source>
        <translation>ファイルが空です。</translation>
    </message>
    <message>
        <source>This is an Excel workbook, not a CSV file. In Excel, choose File → Save As → CSV UTF-8, then import that file.</source>
        <translation>これはExcelのブックで、CSVファイルではありません。Excelで「ファイル」→「名前を付けて保存」→「CSV UTF-8」を選んで保存し、そのファイルを取り込んでください。</translation>
    </message>
    <message>
        <source>This file is saved as UTF-16 (Unicode text). Save it as CSV UTF-8 instead.</source>
        <translation>このファイルはUTF-16(Unicodeテキスト)で保存されています。CSV UTF-8で保存し直してください。</translation>
    </message>
    <message>
        <source>This is not a text file. Choose a CSV file.</source>
        <translation>テキストファイルではありません。CSVファイルを選んでください。</translation>
    </message>
    <message>
        <source>Unknown text encoding.</source>
        <translation>文字コードが分かりません。</translation>
    </message>
    <message>
        <source>The first row does not name any column Otokui knows (for example 氏名, 電話番号, メールアドレス). Add a header row, or assign the columns.</source>
        <translation>1行目に、Otokuiが分かる列名(氏名、電話番号、メールアドレスなど)がありません。見出しの行を加えるか、列の割り当てをしてください。</translation>
    </message>
    <message>
        <source>The file is too big to import (more than 256 MB).</source>
        <translation>ファイルが大きすぎて取り込めません(256MBまで)。</translation>
    </message>
    <message>
        <source>This is a folder, not a CSV file.</source>
        <translation>これはフォルダーです。CSVファイルを選んでください。</translation>
    </message>
    <message>
        <source>The file cannot be opened.</source>
        <translation>ファイルを開けません。</translation>
    </message>
    <message>
        <source>The file is not in the chosen text encoding.</source>
        <translation>選んだ文字コードと、ファイルの文字コードが合いません。</translation>
    </message>
    <message>
        <source>The column assignment names a column the file does not have.</source>
        <translation>割り当てに、ファイルにない列が含まれています。</translation>
    </message>
    <message>
        <source>Two columns are assigned to the same field.</source>
        <translation>2つの列が同じ項目に割り当てられています。</translation>
    </message>
    <message>
        <source>A column is assigned to a field that cannot be imported.</source>
        <translation>取り込めない項目に割り当てられた列があります。</translation>
    </message>
    <message>
        <source>A quotation mark (&quot;) is opened but never closed.</source>
        <translation>引用符(&quot;)が閉じられていません。</translation>
    </message>
    <message>
        <source>This row has no value in any imported column.</source>
        <translation>この行には、取り込む列の値がひとつもありません。</translation>
    </message>
    <message>
        <source>The CSV file cannot be written.</source>
        <translation>CSVファイルを書き込めません。</translation>
    </message>
    <message>
        <source>Choose another folder, or close the file if Excel has it open.</source>
        <translation>別のフォルダーを選ぶか、Excelで開いている場合は閉じてください。</translation>
    </message>
    <message>
        <source>A cell is too long.</source>
        <translation>セルの内容が長すぎます。</translation>
    </message>
    <message>
        <source>A cell has text after its closing quotation mark (&quot;).</source>
        <translation>閉じる引用符(&quot;)の後ろに文字があります。</translation>
    </message>
    <message>
        <source>This row has more cells than the header row.</source>
        <translation>この行は見出しの行よりセルが多くなっています。</translation>
    </message>
</context>
<context>
    <name>customers</name>
    <message>
        <source>This is not an email address.</source>
        <translation>メールアドレスの形になっていません。</translation>
    </message>
    <message>
        <source>This is not a phone number.</source>
        <translation>電話番号の形になっていません。</translation>
    </message>
    <message>
        <source>The text is too long.</source>
        <translation>文字数が多すぎます。</translation>
    </message>
    <message>
        <source>A LINE user ID is U followed by 32 letters and digits.</source>
        <translation>LINEユーザーIDは「U」に続く32文字の英数字です。</translation>
    </message>
    <message>
        <source>A postal code has 7 digits (for example 150-0001).</source>
        <translation>郵便番号は7桁の数字です(例: 150-0001)。</translation>
    </message>
    <message>
        <source>Unknown field.</source>
        <translation>知らない項目です。</translation>
    </message>
    <message>
        <source>A customer with this LINE user ID already exists.</source>
        <translation>このLINEユーザーIDのお客さまは、すでに登録されています。</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>This key file was written by a newer Otokui. Update Otokui and try again.</source>
        <translation>この鍵ファイルは新しいバージョンのOtokuiで作られています。Otokuiを更新してから、もう一度お試しください。</translation>
    </message>
    <message>
        <source>The attachment is too large to show here.</source>
        <translation>添付ファイルが大きすぎて、ここでは表示できません。</translation>
    </message>
    <message>
        <source>Save a copy and open it with another program.</source>
        <translation>コピーを保存して、別のアプリで開いてください。</translation>
    </message>
    <message>
        <source>Something went wrong.</source>
        <translation>問題が起きました。</translation>
    </message>
    <message>
        <source>Please try again.</source>
        <translation>もう一度お試しください。</translation>
    </message>
    <message>
        <source>The passphrase or key does not open this customer book.</source>
        <translation>このパスフレーズ(または鍵)では顧客台帳を開けません。</translation>
    </message>
    <message>
        <source>Check the passphrase and try again. Nothing was changed.</source>
        <translation>パスフレーズを確かめて、もう一度お試しください。何も変更していません。</translation>
    </message>
    <message>
        <source>The customer book file is damaged and cannot be read.</source>
        <translation>顧客台帳のファイルが壊れていて、読み込めません。</translation>
    </message>
    <message>
        <source>Restore it from a backup. The damaged file has been left as it was.</source>
        <translation>バックアップから復元してください。壊れたファイルはそのまま残してあります。</translation>
    </message>
    <message>
        <source>The key of this customer book was kept in a different password store.</source>
        <translation>この顧客台帳の鍵は、別のパスワード保管庫に保管されていました。</translation>
    </message>
    <message>
        <source>Start Otokui where that password store is available, or open the book with its recovery passphrase. Nothing was changed.</source>
        <translation>その保管庫が使える環境でOtokuiを起動するか、回復用パスフレーズで開いてください。何も変更していません。</translation>
    </message>
    <message>
        <source>The key of this customer book is no longer in the password store.</source>
        <translation>この顧客台帳の鍵が、パスワード保管庫に見つかりません。</translation>
    </message>
    <message>
        <source>Open the book with its recovery passphrase, or restore a backup. Nothing was changed.</source>
        <translation>回復用パスフレーズで開くか、バックアップから復元してください。何も変更していません。</translation>
    </message>
    <message>
        <source>This computer has no password store for the key.</source>
        <translation>このパソコンには、鍵を保管できるパスワード保管庫がありません。</translation>
    </message>
    <message>
        <source>Protect the customer book with a passphrase instead.</source>
        <translation>かわりにパスフレーズで顧客台帳を守ってください。</translation>
    </message>
    <message>
        <source>A passphrase is needed to open the customer book.</source>
        <translation>顧客台帳を開くにはパスフレーズが必要です。</translation>
    </message>
    <message>
        <source>Type it when asked, or set OTOKUI_PASSPHRASE for scripts.</source>
        <translation>求められたら入力してください(スクリプトでは OTOKUI_PASSPHRASE を設定します)。</translation>
    </message>
    <message>
        <source>The passphrase is too short.</source>
        <translation>パスフレーズが短すぎます。</translation>
    </message>
    <message>
        <source>Use at least 8 characters.</source>
        <translation>8文字以上にしてください。</translation>
    </message>
    <message>
        <source>A customer book already exists in this profile.</source>
        <translation>このプロファイルには、すでに顧客台帳があります。</translation>
    </message>
    <message>
        <source>Open it instead, or choose another profile folder.</source>
        <translation>その台帳を開くか、別のプロファイルフォルダーを選んでください。</translation>
    </message>
    <message>
        <source>There is no customer book in this profile yet.</source>
        <translation>このプロファイルには、まだ顧客台帳がありません。</translation>
    </message>
    <message>
        <source>Create one first (otokui init), or restore a backup.</source>
        <translation>先に作成する(otokui init)か、バックアップから復元してください。</translation>
    </message>
    <message>
        <source>The customer book is busy with another change.</source>
        <translation>顧客台帳は別の変更を処理中です。</translation>
    </message>
    <message>
        <source>Wait a moment and try again. Nothing was lost.</source>
        <translation>少し待ってから、もう一度お試しください。データは失われていません。</translation>
    </message>
    <message>
        <source>A value is not valid.</source>
        <translation>入力された値が正しくありません。</translation>
    </message>
    <message>
        <source>Correct it and try again.</source>
        <translation>直してから、もう一度お試しください。</translation>
    </message>
    <message>
        <source>It no longer exists.</source>
        <translation>すでに存在しません。</translation>
    </message>
    <message>
        <source>It may have been deleted. Refresh the list.</source>
        <translation>削除された可能性があります。一覧を更新してください。</translation>
    </message>
    <message>
        <source>The attachment file is damaged or was changed outside Otokui.</source>
        <translation>添付ファイルが壊れているか、Otokuiの外で変更されています。</translation>
    </message>
    <message>
        <source>Restore it from a backup.</source>
        <translation>バックアップから復元してください。</translation>
    </message>
    <message>
        <source>The attachment file is incomplete (cut short).</source>
        <translation>添付ファイルが途中で切れています。</translation>
    </message>
    <message>
        <source>The CSV file cannot be read.</source>
        <translation>CSVファイルを読み込めません。</translation>
    </message>
    <message>
        <source>Save it again as CSV (UTF-8 or Shift_JIS) and try again. Nothing was imported.</source>
        <translation>CSV(UTF-8またはShift_JIS)で保存し直して、もう一度お試しください。何も取り込んでいません。</translation>
    </message>
    <message>
        <source>Some rows of the CSV file are not valid.</source>
        <translation>CSVファイルに正しくない行があります。</translation>
    </message>
    <message>
        <source>Correct the rows listed and import again. Nothing was imported.</source>
        <translation>一覧の行を直してから、もう一度取り込んでください。何も取り込んでいません。</translation>
    </message>
    <message>
        <source>The backup file is damaged or not an Otokui backup.</source>
        <translation>バックアップファイルが壊れているか、Otokuiのバックアップではありません。</translation>
    </message>
    <message>
        <source>Choose another backup file. The current customer book was not changed.</source>
        <translation>別のバックアップファイルを選んでください。今の顧客台帳は変更していません。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>中止しました。</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>何も変更していません。</translation>
    </message>
    <message>
        <source>The disk is full.</source>
        <translation>ディスクの空きがありません。</translation>
    </message>
    <message>
        <source>Free some space and try again. Nothing was lost.</source>
        <translation>空き容量を増やしてから、もう一度お試しください。データは失われていません。</translation>
    </message>
    <message>
        <source>The LINE channel access token is not set.</source>
        <translation>LINEのチャネルアクセストークンが設定されていません。</translation>
    </message>
    <message>
        <source>Enter it in Settings → LINE (LINE Developers console, Messaging API channel, Channel access token).</source>
        <translation>設定 →「LINE」で入力してください(LINE Developersコンソールの Messaging APIチャネル →「チャネルアクセストークン」)。</translation>
    </message>
    <message>
        <source>LINE refused the channel access token.</source>
        <translation>LINEがチャネルアクセストークンを受け付けませんでした。</translation>
    </message>
    <message>
        <source>Copy the long-lived channel access token again from the LINE Developers console and enter it in Settings → LINE.</source>
        <translation>LINE Developersコンソールから長期のチャネルアクセストークンをもう一度コピーし、設定 →「LINE」に入力してください。</translation>
    </message>
    <message>
        <source>LINE&apos;s servers cannot be reached right now.</source>
        <translation>今はLINEのサーバーにつながりません。</translation>
    </message>
    <message>
        <source>Check the internet connection. Otokui keeps trying; nothing is lost.</source>
        <translation>インターネット接続を確かめてください。Otokuiは自動で再試行します。データは失われません。</translation>
    </message>
    <message>
        <source>LINE no longer has this photo or file.</source>
        <translation>この写真やファイルは、LINEにもう残っていません。</translation>
    </message>
    <message>
        <source>Ask the customer to send it again.</source>
        <translation>お客さまに、もう一度送ってもらってください。</translation>
    </message>
    <message>
        <source>LINE is still preparing this video or audio.</source>
        <translation>LINEがこの動画・音声をまだ準備中です。</translation>
    </message>
    <message>
        <source>Otokui downloads it a little later by itself.</source>
        <translation>少し後で、Otokuiが自動で受け取ります。</translation>
    </message>
    <message>
        <source>The relay cannot be reached.</source>
        <translation>中継サーバーにつながりません。</translation>
    </message>
    <message>
        <source>Check the internet connection and the relay&apos;s address. Messages wait on the relay and LINE; nothing is lost.</source>
        <translation>インターネット接続と中継サーバーのアドレスを確かめてください。メッセージは中継サーバーとLINEで待機しているので、失われません。</translation>
    </message>
    <message>
        <source>This computer is no longer paired with the relay.</source>
        <translation>このパソコンと中継サーバーの連携が解除されています。</translation>
    </message>
    <message>
        <source>Pair again: run `python -m relay pair` on the relay&apos;s host and enter the new code in Settings → LINE.</source>
        <translation>もう一度連携してください。中継サーバー側で `python -m relay pair` を実行し、表示されたコードを設定 →「LINE」に入力します。</translation>
    </message>
    <message>
        <source>The relay refused the pairing code.</source>
        <translation>中継サーバーが連携コードを受け付けませんでした。</translation>
    </message>
    <message>
        <source>Codes are single use and valid for 10 minutes. Run `python -m relay pair` on the relay&apos;s host again and enter the new code.</source>
        <translation>コードは1回限り、10分間だけ有効です。中継サーバー側で `python -m relay pair` をもう一度実行し、新しいコードを入力してください。</translation>
    </message>
    <message>
        <source>The relay answered in a way Otokui does not understand.</source>
        <translation>中継サーバーから、Otokuiが理解できない応答がありました。</translation>
    </message>
    <message>
        <source>Check that the address is an Otokui relay and that it is up to date.</source>
        <translation>アドレスがOtokuiの中継サーバーのものか、最新版になっているかを確かめてください。</translation>
    </message>
    <message>
        <source>This is not a usable relay address.</source>
        <translation>中継サーバーのアドレスとして使えません。</translation>
    </message>
    <message>
        <source>Enter the relay&apos;s https:// address (http:// only for one on this computer).</source>
        <translation>中継サーバーの https:// で始まるアドレスを入力してください(http:// はこのパソコン上の中継サーバーのみ)。</translation>
    </message>
    <message>
        <source>This customer book is not connected to a relay yet.</source>
        <translation>この顧客台帳は、まだ中継サーバーにつながっていません。</translation>
    </message>
    <message>
        <source>Connect it in Settings → LINE, or with `python main.py connect`.</source>
        <translation>設定 →「LINE」か、`python main.py connect` でつないでください。</translation>
    </message>
    <message>
        <source>This customer book is already connected to a relay.</source>
        <translation>この顧客台帳は、すでに中継サーバーにつながっています。</translation>
    </message>
    <message>
        <source>Unpair it first (Settings → LINE, or `python main.py unpair`).</source>
        <translation>先に連携を解除してください(設定 →「LINE」、または `python main.py unpair`)。</translation>
    </message>
</context>
<context>
    <name>fields</name>
    <message>
        <source>This field is required.</source>
        <translation>この項目は必須です。</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>テキスト</translation>
    </message>
    <message>
        <source>Long text</source>
        <translation>長いテキスト</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>数値</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <source>Date and time</source>
        <translation>日時</translation>
    </message>
    <message>
        <source>Single choice</source>
        <translation>選択(ひとつ)</translation>
    </message>
    <message>
        <source>Multiple choice</source>
        <translation>選択(複数)</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>ポイント</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>画像</translation>
    </message>
    <message>
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <source>Images and files are added as attachments.</source>
        <translation>画像やファイルは添付ファイルとして追加します。</translation>
    </message>
    <message>
        <source>Text fields take one line of up to 1,000 characters.</source>
        <translation>テキストは1行、1,000文字までです。</translation>
    </message>
    <message>
        <source>The text is too long.</source>
        <translation>文字数が多すぎます。</translation>
    </message>
    <message>
        <source>This is not one of the choices.</source>
        <translation>選択肢にない値です。</translation>
    </message>
    <message>
        <source>A field needs a name.</source>
        <translation>項目名を入力してください。</translation>
    </message>
    <message>
        <source>A choice field needs at least one choice.</source>
        <translation>選択肢を1つ以上入力してください。</translation>
    </message>
    <message>
        <source>A field with this name already exists.</source>
        <translation>同じ名前の項目がすでにあります。</translation>
    </message>
    <message>
        <source>A choice cannot contain a semicolon (;).</source>
        <translation>選択肢にセミコロン(;)は使えません。</translation>
    </message>
</context>
<context>
    <name>line</name>
    <message>
        <source>This does not look like a channel access token.</source>
        <translation>チャネルアクセストークンの形になっていません。</translation>
    </message>
    <message>
        <source>Enter the pairing code that `python -m relay pair` printed.</source>
        <translation>`python -m relay pair` で表示された連携コードを入力してください。</translation>
    </message>
</context>
<context>
    <name>messages</name>
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
        <source>Choose a file to export to, not a folder.</source>
        <translation>書き出し先には、フォルダーではなくファイルを指定してください。</translation>
    </message>
</context>
<context>
    <name>tags</name>
    <message>
        <source>A colour is written like #4C8BF5.</source>
        <translation>色は #4C8BF5 のように書きます。</translation>
    </message>
    <message>
        <source>A tag needs a name without semicolons (;).</source>
        <translation>タグ名を入力してください(セミコロン「;」は使えません)。</translation>
    </message>
    <message>
        <source>A folder needs a name.</source>
        <translation>フォルダー名を入力してください。</translation>
    </message>
    <message>
        <source>A tag with this name already exists.</source>
        <translation>同じ名前のタグがすでにあります。</translation>
    </message>
</context>
<context>
    <name>values</name>
    <message>
        <source>This is not a valid date (for example 2026-11-29).</source>
        <translation>日付が正しくありません(例: 2026-11-29)。</translation>
    </message>
    <message>
        <source>This is not a valid date and time (for example 2026-11-29 14:30).</source>
        <translation>日時が正しくありません(例: 2026-11-29 14:30)。</translation>
    </message>
    <message>
        <source>This must be a whole number.</source>
        <translation>整数で入力してください。</translation>
    </message>
    <message>
        <source>This is not a number.</source>
        <translation>数値になっていません。</translation>
    </message>
</context>
</TS>
