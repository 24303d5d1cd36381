<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>attachments</name>
    <message>
        <source>This file is empty (0 bytes): there is nothing to attach.</source>
        <translation>このファイルは空（0バイト）のため、添付するものがありません。</translation>
    </message>
    <message>
        <source>Check the file opens on this computer, then attach it again.</source>
        <translation>このパソコンでファイルが開けることを確かめてから、もう一度添付してください。</translation>
    </message>
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
    <name>broadcasts</name>
    <message>
        <source>This broadcast needs more messages than remain in this month&apos;s LINE plan.</source>
        <translation>この一斉配信には、今月のLINEプランの残りより多くのメッセージ数が必要です。</translation>
    </message>
    <message>
        <source>Send it to fewer customers, send it only to as many as the plan allows, or choose a larger plan in LINE Official Account Manager.</source>
        <translation>送る人数を減らすか、プランの残り通数までに絞って送るか、LINE Official Account Managerで上位のプランを選んでください。</translation>
    </message>
    <message>
        <source>The number of recipients changed while you were confirming, so the broadcast was not sent.</source>
        <translation>確認している間に配信先の人数が変わったため、配信は送信されませんでした。</translation>
    </message>
    <message>
        <source>Check the new number and cost, then send it again.</source>
        <translation>新しい人数と通数を確かめてから、もう一度送信してください。</translation>
    </message>
    <message>
        <source>Nobody would receive this broadcast.</source>
        <translation>この一斉配信を受け取る人がいません。</translation>
    </message>
    <message>
        <source>Only LINE friends who have not blocked the shop can receive it. Choose other recipients.</source>
        <translation>受け取れるのは、お店をブロックしていないLINEの友だちだけです。別の宛先を選んでください。</translation>
    </message>
    <message>
        <source>No customer is marked as the owner&apos;s own LINE account.</source>
        <translation>オーナーご自身のLINEアカウントとして設定されたお客様がいません。</translation>
    </message>
    <message>
        <source>Add the shop on LINE from your own phone, then mark that customer as the owner to receive test sends.</source>
        <translation>ご自身のスマートフォンからお店をLINEで友だち追加し、そのお客様をオーナーとして設定すると、テスト送信を受け取れます。</translation>
    </message>
    <message>
        <source>This broadcast has images and is scheduled too far ahead: the relay would delete them too soon after it is sent.</source>
        <translation>画像付きの配信の予約日時が先すぎるため、配信後まもなく中継サーバーから画像が削除されてしまいます。</translation>
    </message>
    <message>
        <source>Schedule it at most 7 days ahead (the relay keeps images for 14 days), or send it without images.</source>
        <translation>7日以内の日時で予約するか（中継サーバーは画像を14日間保管します）、画像なしで配信してください。</translation>
    </message>
    <message>
        <source>The relay no longer keeps this broadcast&apos;s images, so the rest of it was not sent.</source>
        <translation>中継サーバーにこの配信の画像がもう残っていないため、残りは送信しませんでした。</translation>
    </message>
    <message>
        <source>Make a new broadcast with the images for the customers who did not get it.</source>
        <translation>届いていないお客様に向けて、画像付きの配信を新しく作成してください。</translation>
    </message>
    <message>
        <source>This broadcast has already finished.</source>
        <translation>この一斉配信はすでに終わっています。</translation>
    </message>
    <message>
        <source>Its results are in the history.</source>
        <translation>結果は配信履歴で確認できます。</translation>
    </message>
    <message>
        <source>This broadcast is being sent already.</source>
        <translation>この一斉配信はすでに送信中です。</translation>
    </message>
</context>
<context>
    <name>csv</name>
    <message>
        <source>Several customers have this phone number; add the LINE user ID or the email address to say which one.</source>
        <translation>この電話番号のお客様が複数います。どのお客様か分かるよう、LINEユーザーIDかメールアドレスを加えてください。</translation>
    </message>
    <message>
        <source>Several customers have this email address; add the LINE user ID to say which one.</source>
        <translation>このメールアドレスのお客様が複数います。どのお客様か分かるよう、LINEユーザーIDを加えてください。</translation>
    </message>
    <message>
        <source>The same customer is already in an earlier row of this file.</source>
        <translation>同じお客様が、このファイルの前の行にもあります。</translation>
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
        <source>This file is saved as UTF-32. Save it as CSV UTF-8 instead.</source>
        <translation>このファイルはUTF-32で保存されています。「CSV UTF-8」で保存し直してください。</translation>
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
        <source>The file of skipped rows cannot be written, so nothing was imported.</source>
        <translation>取り込まなかった行のファイルを書き込めないため、何も取り込みませんでした。</translation>
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
        <translation>このLINEユーザーIDのお客様は、すでに登録されています。</translation>
    </message>
    <message>
        <source>This is not a Japanese phone number: check the number of digits (for example 090-1234-5678 or 03-1234-5678). For a number abroad, start with + and the country code (for example +1 212 555 0100).</source>
        <translation>日本の電話番号になっていません。桁数を確かめてください(例: 090-1234-5678、03-1234-5678)。海外の番号は + と国番号から入力してください(例: +1 212 555 0100)。</translation>
    </message>
    <message>
        <source>This is not a phone number of the country its code names. Check the country code after + and the digits.</source>
        <translation>国番号の国の電話番号になっていません。+ の後の国番号と桁数を確かめてください。</translation>
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
        <source>The customer book is open in another Otokui window or command.</source>
        <translation>この顧客台帳は、別のOtokuiのウィンドウかコマンドで開かれています。</translation>
    </message>
    <message>
        <source>Close the other window, or wait until the other command has finished, then try again. Nothing was changed.</source>
        <translation>もう一方のウィンドウを閉じるか、コマンドが終わるのを待ってから、もう一度お試しください。何も変更されていません。</translation>
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
        <source>The disk is full, so the import could not be saved. Nothing was imported.</source>
        <translation>ディスクがいっぱいのため、取り込みを保存できませんでした。何も取り込まれていません。</translation>
    </message>
    <message>
        <source>Free some space on the disk (move or delete large files you no longer need, empty the trash), then import the file again.</source>
        <translation>ディスクの空きを作ってから(使わなくなった大きなファイルを移動・削除する、ごみ箱を空にするなど)、もう一度ファイルを取り込んでください。</translation>
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
        <source>LINE did not accept the relay&apos;s address as the webhook URL.</source>
        <translation>LINEが中継サーバーのアドレスをWebhook URLとして受け付けませんでした。</translation>
    </message>
    <message>
        <source>LINE takes only https:// addresses reachable from the internet. Check the relay&apos;s address.</source>
        <translation>LINEが受け付けるのは、インターネットから届く https:// のアドレスだけです。中継サーバーのアドレスを確かめてください。</translation>
    </message>
    <message>
        <source>LINE no longer has this photo or file.</source>
        <translation>この写真やファイルは、LINEにもう残っていません。</translation>
    </message>
    <message>
        <source>Ask the customer to send it again.</source>
        <translation>お客様に、もう一度送ってもらってください。</translation>
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
        <source>LINE asks Otokui to slow down for a moment.</source>
        <translation>LINEへの問い合わせが多すぎたため、少し待つよう求められました。</translation>
    </message>
    <message>
        <source>Wait a minute and try again; nothing is lost.</source>
        <translation>1分ほど待ってから、もう一度お試しください。データは失われていません。</translation>
    </message>
    <message>
        <source>LINE gives the list of existing friends only to verified and premium accounts (the blue or green badge).</source>
        <translation>LINEがこれまでの友だちの一覧を渡すのは、認証済アカウントとプレミアムアカウント(青または緑のバッジ)だけです。</translation>
    </message>
    <message>
        <source>Nothing is lost: each friend joins the customer book by themselves the next time they write to the shop or add it as a friend again.</source>
        <translation>データは失われていません。友だちは、次にお店へメッセージを送ったときや友だち追加したときに、自動で顧客台帳に加わります。</translation>
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
        <source>Codes are single use and valid for 10 minutes. Issue a new one on the relay&apos;s admin page (or run `python -m relay pair` on its host) and enter it.</source>
        <translation>コードは1回限り、10分間だけ有効です。中継サーバーの管理ページで新しいコードを発行して(またはサーバー上で `python -m relay pair` を実行して)入力してください。</translation>
    </message>
    <message>
        <source>Too many wrong pairing codes were entered from this internet connection, so the relay does not accept codes from it for a while.</source>
        <translation>このインターネット接続から間違った接続コードが何度も入力されたため、中継サーバーはしばらくこの接続からのコードを受け付けません。</translation>
    </message>
    <message>
        <source>Wait up to 10 minutes, then enter the code exactly as shown on the relay&apos;s admin page (or a new one). Nothing was changed.</source>
        <translation>最大10分待ってから、中継サーバーの管理ページに表示されたコード(または新しいコード)を正確に入力してください。何も変更されていません。</translation>
    </message>
    <message>
        <source>The relay does not know this shop&apos;s address.</source>
        <translation>中継サーバーに、このお店のアドレスが見つかりません。</translation>
    </message>
    <message>
        <source>Copy the relay&apos;s address again from its admin page, with the part after /shops/ exactly as shown.</source>
        <translation>管理ページから中継サーバーのアドレスをもう一度コピーしてください。/shops/ の後ろも表示どおりに入れます。</translation>
    </message>
    <message>
        <source>LINE&apos;s test reached the relay, but the relay refused its signature: the channel secret does not belong to this LINE channel.</source>
        <translation>LINEのテストは中継サーバーに届きましたが、署名が合いませんでした。チャネルシークレットがこのLINEチャネルのものではありません。</translation>
    </message>
    <message>
        <source>Copy the channel secret again (LINE Developers console → the same channel as the access token → Basic settings → Channel secret) and enter it.</source>
        <translation>チャネルシークレットをもう一度コピーして入力してください(LINE Developersコンソール → アクセストークンと同じチャネル →「チャネル基本設定」→「チャネルシークレット」)。</translation>
    </message>
    <message>
        <source>The channel secret entered here is not this LINE channel&apos;s (the relay&apos;s own setting is the right one).</source>
        <translation>ここに入力したチャネルシークレットは、このLINEチャネルのものではありません(中継サーバー側の設定が正しいものです)。</translation>
    </message>
    <message>
        <source>Copy the channel secret again (LINE Developers console → Basic settings → Channel secret) and enter it.</source>
        <translation>チャネルシークレットをもう一度コピーして入力してください(LINE Developersコンソール →「チャネル基本設定」→「チャネルシークレット」)。</translation>
    </message>
    <message>
        <source>LINE cannot reach the relay at its address.</source>
        <translation>LINEから中継サーバーのアドレスに接続できません。</translation>
    </message>
    <message>
        <source>LINE needs an https:// address that works from the internet (not one on this computer or in the shop&apos;s network). Check that the relay is running and that its address is right.</source>
        <translation>LINEには、インターネットから届く https:// のアドレスが必要です(このパソコンやお店のネットワークの中のアドレスは使えません)。中継サーバーが動いているか、アドレスが正しいかを確かめてください。</translation>
    </message>
    <message>
        <source>The relay answered LINE&apos;s test too slowly.</source>
        <translation>中継サーバーの応答が遅く、LINEのテストが時間切れになりました。</translation>
    </message>
    <message>
        <source>A relay on a free plan may be waking up: wait a minute and test again.</source>
        <translation>無料プランの中継サーバーは起動に時間がかかることがあります。1分ほど待ってから、もう一度テストしてください。</translation>
    </message>
    <message>
        <source>The relay is not ready to take LINE&apos;s messages yet.</source>
        <translation>中継サーバーは、まだLINEのメッセージを受け取れる状態ではありません。</translation>
    </message>
    <message>
        <source>Test again in a minute. If it stays like this, the relay has no channel secret for this shop: enter the channel secret again.</source>
        <translation>1分ほど待ってからもう一度テストしてください。変わらない場合は、中継サーバーにこのお店のチャネルシークレットがありません。チャネルシークレットをもう一度入力してください。</translation>
    </message>
    <message>
        <source>The relay answered LINE&apos;s test with an error.</source>
        <translation>中継サーバーがLINEのテストにエラーを返しました。</translation>
    </message>
    <message>
        <source>Check the relay&apos;s address (the relay&apos;s admin page shows it) and test again.</source>
        <translation>中継サーバーのアドレス(管理ページに表示されます)を確かめて、もう一度テストしてください。</translation>
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
    <message>
        <source>Otokui needs the LINE channel secret to check that messages really come from LINE.</source>
        <translation>メッセージが本当にLINEから届いたものか確かめるため、LINEのチャネルシークレットが必要です。</translation>
    </message>
    <message>
        <source>Enter the channel secret (LINE Developers console, Basic settings) in Settings → LINE. Messages wait on the relay until then; nothing is lost.</source>
        <translation>設定 →「LINE」でチャネルシークレットを入力してください(LINE Developersコンソールの「チャネル基本設定」)。それまでメッセージは中継サーバーで待っています。失われることはありません。</translation>
    </message>
    <message>
        <source>The relay cannot host images for LINE yet.</source>
        <translation>中継サーバーは、まだLINE向けの画像を置けません。</translation>
    </message>
    <message>
        <source>Whoever runs the relay must set RELAY_PUBLIC_URL to its https address and restart it. Text messages can still be sent.</source>
        <translation>中継サーバーの管理者が RELAY_PUBLIC_URL に https のアドレスを設定し、再起動する必要があります。テキストのメッセージは今も送れます。</translation>
    </message>
    <message>
        <source>The relay&apos;s space for images is full.</source>
        <translation>中継サーバーの画像用の空き容量がいっぱいです。</translation>
    </message>
    <message>
        <source>Wait for older images to expire, or ask whoever runs the relay to raise RELAY_MEDIA_MAX_MB.</source>
        <translation>古い画像の期限が切れるのを待つか、中継サーバーの管理者に RELAY_MEDIA_MAX_MB を増やしてもらってください。</translation>
    </message>
    <message>
        <source>The relay refused the image.</source>
        <translation>中継サーバーが画像を受け付けませんでした。</translation>
    </message>
    <message>
        <source>Send a JPEG or PNG image of at most 10 MB.</source>
        <translation>10MBまでのJPEGかPNGの画像を送ってください。</translation>
    </message>
    <message>
        <source>The relay did not accept the form.</source>
        <translation>中継サーバーがフォームを受け付けませんでした。</translation>
    </message>
    <message>
        <source>Publish the form again as a new version. If this keeps happening, the relay may be older than this app: ask whoever runs it to update it.</source>
        <translation>フォームを新しい版としてもう一度公開してください。くり返し起きる場合は、中継サーバーがこのアプリより古い可能性があります。中継サーバーの管理者に更新を頼んでください。</translation>
    </message>
    <message>
        <source>The relay does not support forms yet.</source>
        <translation>中継サーバーがまだフォームに対応していません。</translation>
    </message>
    <message>
        <source>Ask whoever runs the relay to update it. The form is saved in the book and will be uploaded when you publish it again.</source>
        <translation>中継サーバーの管理者に更新を頼んでください。フォームは顧客台帳に保存されているので、もう一度公開するとアップロードされます。</translation>
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
    <name>forms</name>
    <message>
        <source>This answer is for a form this book does not have (deleted, or made on another computer). It is kept here; nothing was filled in.</source>
        <translation>この回答は、この顧客台帳にないフォーム(削除済み、または別のパソコンで作成)への回答です。回答は保管しましたが、お客様の情報には反映していません。</translation>
    </message>
    <message>
        <source>This answer is for a version of the form this book does not have. It is kept here; nothing was filled in.</source>
        <translation>この回答は、この顧客台帳にない版のフォームへの回答です。回答は保管しましたが、お客様の情報には反映していません。</translation>
    </message>
    <message>
        <source>This answer did not pass the form&apos;s checks on this computer, so nothing was filled in. It is kept here as it was sent.</source>
        <translation>この回答はこのパソコンでのフォームの確認を通らなかったため、お客様の情報には反映していません。送られたとおりに保管しています。</translation>
    </message>
    <message>
        <source>This answer came with a link this book did not make (or one that was changed), so nothing was filled in. It is kept here as it was sent.</source>
        <translation>この回答は、この顧客台帳が作っていない(または書き換えられた)リンクから送られたため、お客様の情報には反映していません。送られたとおりに保管しています。</translation>
    </message>
    <message>
        <source>This answer was sent after its link had expired, so nothing was filled in. It is kept here as it was sent.</source>
        <translation>この回答はリンクの有効期限が切れた後に送られたため、お客様の情報には反映していません。送られたとおりに保管しています。</translation>
    </message>
    <message>
        <source>Several customers have this phone number or e-mail address. Choose who sent it.</source>
        <translation>この電話番号またはメールアドレスのお客様が複数います。回答した方を選んでください。</translation>
    </message>
    <message>
        <source>No customer matched, so a new customer was added.</source>
        <translation>一致するお客様がいなかったため、新しいお客様として追加しました。</translation>
    </message>
    <message>
        <source>%1: the customer already had a value, which was kept.</source>
        <translation>%1: お客様にすでに値があったため、その値を残しました。</translation>
    </message>
    <message>
        <source>%1: the answer does not fit the customer&apos;s field, so it is kept with the answer only.</source>
        <translation>%1: 回答がお客様の項目に合わないため、回答にだけ残しました。</translation>
    </message>
    <message>
        <source>%1: the custom field %2 is of another kind, so the answer is kept with the answer only.</source>
        <translation>%1: カスタム項目「%2」の種類が違うため、回答にだけ残しました。</translation>
    </message>
    <message>
        <source>%1: the custom field %2 has no such choice, so the answer is kept with the answer only.</source>
        <translation>%1: カスタム項目「%2」にその選択肢がないため、回答にだけ残しました。</translation>
    </message>
    <message>
        <source>%1: a file has not arrived yet; it will be attached when it does.</source>
        <translation>%1: ファイルがまだ届いていません。届きしだい添付します。</translation>
    </message>
    <message>
        <source>The form cannot be used as it is.</source>
        <translation>このままではフォームを使えません。</translation>
    </message>
    <message>
        <source>Correct the item named and try again. Nothing was saved.</source>
        <translation>示された項目を直してから、もう一度お試しください。何も保存していません。</translation>
    </message>
    <message>
        <source>The form file cannot be read.</source>
        <translation>フォームのファイルを読み込めません。</translation>
    </message>
    <message>
        <source>Check that the file exists and is a form definition (JSON, UTF-8).</source>
        <translation>ファイルがあること、フォームの定義ファイル(JSON、UTF-8)であることを確かめてください。</translation>
    </message>
    <message>
        <source>There is no such form in this book.</source>
        <translation>この顧客台帳にそのフォームはありません。</translation>
    </message>
    <message>
        <source>Check the form&apos;s id (python main.py form list shows them).</source>
        <translation>フォームのIDを確かめてください(`python main.py form list` で一覧できます)。</translation>
    </message>
    <message>
        <source>This form has not been published yet.</source>
        <translation>このフォームはまだ公開していません。</translation>
    </message>
    <message>
        <source>Publish it first; links open the published version.</source>
        <translation>先に公開してください。リンクからは公開した版が開きます。</translation>
    </message>
    <message>
        <source>Form links need the shop&apos;s relay, and this book is not connected to one.</source>
        <translation>フォームのリンクにはお店の中継サーバーが必要ですが、この顧客台帳はまだ中継サーバーにつながっていません。</translation>
    </message>
    <message>
        <source>Connect to LINE first (Settings → LINE); the links are addresses on the relay.</source>
        <translation>先にLINEとつないでください(設定 →「LINE」)。リンクは中継サーバー上のアドレスです。</translation>
    </message>
    <message>
        <source>This is not a LINE user ID.</source>
        <translation>LINEユーザーIDではありません。</translation>
    </message>
    <message>
        <source>Use the friend&apos;s LINE user ID: U followed by 32 letters and digits.</source>
        <translation>友だちのLINEユーザーID(「U」に続く32文字の英数字)を使ってください。</translation>
    </message>
    <message>
        <source>There is no such answer.</source>
        <translation>その回答はありません。</translation>
    </message>
    <message>
        <source>It may have been deleted with its form. Refresh the list.</source>
        <translation>フォームと一緒に削除された可能性があります。一覧を更新してください。</translation>
    </message>
    <message>
        <source>This answer has already been given to a customer.</source>
        <translation>この回答はすでにお客様に反映しています。</translation>
    </message>
    <message>
        <source>Refresh the list.</source>
        <translation>一覧を更新してください。</translation>
    </message>
    <message>
        <source>A link can work for 1 to 366 days.</source>
        <translation>リンクの有効期間は1日から366日までです。</translation>
    </message>
    <message>
        <source>Choose a number of days in that range.</source>
        <translation>その範囲の日数を選んでください。</translation>
    </message>
</context>
<context>
    <name>line</name>
    <message>
        <source>This does not look like a channel access token.</source>
        <translation>チャネルアクセストークンの形になっていません。</translation>
    </message>
    <message>
        <source>This does not look like a channel secret (32 letters and digits, 0-9 and a-f, under Basic settings in the LINE Developers console).</source>
        <translation>チャネルシークレットではないようです(LINE Developersコンソールの「チャネル基本設定」にある、0〜9とa〜fの32文字です)。</translation>
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
    <name>segments</name>
    <message>
        <source>The segment&apos;s conditions cannot be read.</source>
        <translation>セグメントの条件を読み取れません。</translation>
    </message>
    <message>
        <source>The segment has too many conditions or groups nested too deeply.</source>
        <translation>セグメントの条件が多すぎるか、グループの入れ子が深すぎます。</translation>
    </message>
    <message>
        <source>A group combines its conditions with AND or OR.</source>
        <translation>グループの条件は「すべて一致(AND)」か「いずれか一致(OR)」でまとめます。</translation>
    </message>
    <message>
        <source>This condition names a tag that was deleted.</source>
        <translation>この条件のタグは削除されています。</translation>
    </message>
    <message>
        <source>This condition names a custom field that was deleted.</source>
        <translation>この条件のカスタム項目は削除されています。</translation>
    </message>
    <message>
        <source>This comparison does not fit the field&apos;s type.</source>
        <translation>この比べ方は、項目の種類に合いません。</translation>
    </message>
    <message>
        <source>This condition names a choice the field no longer has.</source>
        <translation>この条件の選択肢は、項目にもうありません。</translation>
    </message>
    <message>
        <source>This condition is not complete.</source>
        <translation>この条件は入力が足りません。</translation>
    </message>
    <message>
        <source>This condition needs a text of up to 1,000 characters.</source>
        <translation>この条件には1,000文字までの文字を入力してください。</translation>
    </message>
    <message>
        <source>This condition needs a number.</source>
        <translation>この条件には数値を入力してください。</translation>
    </message>
    <message>
        <source>This condition needs a date (for example 2026-11-29).</source>
        <translation>この条件には日付を入力してください(例: 2026-11-29)。</translation>
    </message>
    <message>
        <source>The first value of the range is larger than the second.</source>
        <translation>範囲の最初の値が、後の値より大きくなっています。</translation>
    </message>
    <message>
        <source>The number of days is a whole number from 0 to 3,660.</source>
        <translation>日数は0から3,660までの整数です。</translation>
    </message>
    <message>
        <source>A birthday month is from 1 to 12.</source>
        <translation>誕生月は1から12までです。</translation>
    </message>
    <message>
        <source>This is not one of the 47 prefectures.</source>
        <translation>47都道府県のいずれでもありません。</translation>
    </message>
    <message>
        <source>This condition needs from 1 to 100 tags, choices or prefectures.</source>
        <translation>この条件には、タグ・選択肢・都道府県を1〜100個選んでください。</translation>
    </message>
    <message>
        <source>A condition of this segment is not valid.</source>
        <translation>このセグメントに正しくない条件があります。</translation>
    </message>
    <message>
        <source>Correct the condition marked and try again.</source>
        <translation>印の付いた条件を直して、もう一度お試しください。</translation>
    </message>
    <message>
        <source>A segment needs a name of up to 100 characters.</source>
        <translation>セグメント名を100文字までで入力してください。</translation>
    </message>
    <message>
        <source>A segment with this name already exists.</source>
        <translation>同じ名前のセグメントがすでにあります。</translation>
    </message>
</context>
<context>
    <name>sending</name>
    <message>
        <source>This image is larger than 1 MB, so LINE needs a smaller preview of it.</source>
        <translation>この画像は1MBより大きいため、LINEには小さなプレビュー画像が必要です。</translation>
    </message>
    <message>
        <source>Send it from the inbox window (which makes the preview), or choose a smaller image.</source>
        <translation>チャットの画面から送るか(プレビューを自動で作ります)、小さな画像を選んでください。</translation>
    </message>
    <message>
        <source>The image is larger than 10 MB, LINE&apos;s limit. Choose a smaller one.</source>
        <translation>画像がLINEの上限の10MBを超えています。小さな画像を選んでください。</translation>
    </message>
    <message>
        <source>The preview image is larger than 1 MB.</source>
        <translation>プレビュー画像が1MBを超えています。</translation>
    </message>
    <message>
        <source>LINE can send only JPEG and PNG images; this file is neither.</source>
        <translation>LINEで送れる画像はJPEGとPNGだけです。このファイルはどちらでもありません。</translation>
    </message>
    <message>
        <source>The preview must be a JPEG or PNG image.</source>
        <translation>プレビューはJPEGかPNGの画像にしてください。</translation>
    </message>
    <message>
        <source>A message text must be text.</source>
        <translation>メッセージ本文は文字で入力してください。</translation>
    </message>
    <message>
        <source>An empty message cannot be sent.</source>
        <translation>空のメッセージは送れません。</translation>
    </message>
    <message>
        <source>A message can be at most 5,000 characters long (as LINE counts them; an emoji counts as two).</source>
        <translation>メッセージは5,000文字までです(LINEの数え方で、絵文字は2文字と数えます)。</translation>
    </message>
    <message>
        <source>A message has one to five bubbles (LINE&apos;s limit).</source>
        <translation>1回に送れる吹き出しは1〜5個です(LINEの上限)。</translation>
    </message>
    <message>
        <source>The message contains a broken character.</source>
        <translation>メッセージに壊れた文字が含まれています。</translation>
    </message>
    <message>
        <source>The image file cannot be read.</source>
        <translation>画像ファイルを読み込めません。</translation>
    </message>
    <message>
        <source>Only text and images can be sent.</source>
        <translation>送れるのは文字と画像だけです。</translation>
    </message>
    <message>
        <source>This customer is not a LINE friend of the shop.</source>
        <translation>このお客様は、お店のLINEの友だちではありません。</translation>
    </message>
    <message>
        <source>Messages can be sent only to customers who added the shop on LINE.</source>
        <translation>メッセージを送れるのは、お店をLINEで友だち追加したお客様だけです。</translation>
    </message>
    <message>
        <source>This customer has blocked the shop on LINE.</source>
        <translation>このお客様は、お店のLINEをブロックしています。</translation>
    </message>
    <message>
        <source>LINE would not deliver the message. It can be sent again once the customer unblocks the shop.</source>
        <translation>LINEはこのメッセージを届けません。お客様がブロックを解除すれば、もう一度送れます。</translation>
    </message>
    <message>
        <source>This month&apos;s message limit of the LINE plan is used up; it was not sent.</source>
        <translation>LINEのプランの今月の送信数を使い切ったため、送信されませんでした。</translation>
    </message>
    <message>
        <source>Replies to a customer who just wrote stay free. Or choose a larger plan in LINE Official Account Manager, then retry.</source>
        <translation>メッセージをくれたばかりのお客様への返信は無料で送れます。または LINE Official Account Manager で大きなプランに変えてから、もう一度お試しください。</translation>
    </message>
    <message>
        <source>LINE refused the message; it was not sent.</source>
        <translation>LINEがメッセージを受け付けなかったため、送信されませんでした。</translation>
    </message>
    <message>
        <source>Change what LINE objects to, then send it again.</source>
        <translation>LINEが受け付けない部分を直してから、もう一度送ってください。</translation>
    </message>
    <message>
        <source>LINE could not be reached; the message may not have been sent.</source>
        <translation>LINEにつながらなかったため、メッセージは送信されていない可能性があります。</translation>
    </message>
    <message>
        <source>Retry it. If LINE did receive it, LINE recognises the retry and the customer still gets it only once.</source>
        <translation>もう一度送ってください。LINEに届いていた場合も、LINEが再送だと判断するので、お客様に届くのは1回だけです。</translation>
    </message>
    <message>
        <source>It is not known whether this message reached the customer (LINE&apos;s answer was lost).</source>
        <translation>このメッセージがお客様に届いたかどうか分かりません(LINEからの応答が失われました)。</translation>
    </message>
    <message>
        <source>Look at the chat in LINE Official Account Manager and send it again only if it is not there.</source>
        <translation>LINE Official Account Manager でトークを確かめ、届いていない場合だけ送り直してください。</translation>
    </message>
    <message>
        <source>This message may already have reached the customer.</source>
        <translation>このメッセージは、すでにお客様に届いている可能性があります。</translation>
    </message>
    <message>
        <source>Check the chat in LINE Official Account Manager. Send it again only if it is not there; the customer would otherwise get it twice.</source>
        <translation>LINE Official Account Manager でトークを確かめてください。届いていない場合だけ送り直してください。そうでないと、お客様に2回届いてしまいます。</translation>
    </message>
    <message>
        <source>Only a message that failed can be sent again.</source>
        <translation>送り直せるのは、送信に失敗したメッセージだけです。</translation>
    </message>
    <message>
        <source>Refresh the conversation.</source>
        <translation>トークを更新してください。</translation>
    </message>
    <message>
        <source>The relay no longer keeps the image of this message, so it cannot be sent again as it was.</source>
        <translation>中継サーバーにこのメッセージの画像がもう残っていないため、同じ内容では送り直せません。</translation>
    </message>
    <message>
        <source>Discard it and send the picture as a new message.</source>
        <translation>このメッセージは破棄して、画像を新しいメッセージとして送ってください。</translation>
    </message>
    <message>
        <source>The free reply window must be between 5 and 58 seconds.</source>
        <translation>無料で返信できる時間の設定は5〜58秒の間にしてください。</translation>
    </message>
    <message>
        <source>This message was written for another customer.</source>
        <translation>このメッセージは別のお客様あてに書かれています。</translation>
    </message>
</context>
<context>
    <name>sync</name>
    <message>
        <source>%1 more item(s) that could not be used were only counted, not kept.</source>
        <translation>ほかに使えなかった %1 件は、件数だけを記録し、中身は保存していません。</translation>
    </message>
    <message>
        <source>LINE&apos;s signature does not match the channel secret, so Otokui cannot tell it really came from LINE and did not apply it. If you changed the channel secret recently, correct it in Settings → LINE and try again. Otherwise someone may be sending false messages through the relay: dismiss it, and ask whoever runs the relay to check it.</source>
        <translation>LINEの署名がチャネルシークレットと合わないため、本当にLINEから届いたものか確かめられず、台帳には反映していません。最近チャネルシークレットを変更した場合は、設定 →「LINE」で正しく入力してから「もう一度試す」を押してください。そうでない場合は、だれかが中継サーバーを通して偽のメッセージを送っているおそれがあります。「削除」して、中継サーバーの管理者に確認を頼んでください。</translation>
    </message>
    <message>
        <source>Stored by an older relay without LINE&apos;s signature, so Otokui cannot tell it really came from LINE and did not apply it. Check this customer&apos;s chat in the LINE Official Account Manager app, then dismiss it.</source>
        <translation>古い中継サーバーがLINEの署名なしで保存したため、本当にLINEから届いたものか確かめられず、台帳には反映していません。LINE Official Account Managerアプリでこのお客様のトークを確認してから「削除」してください。</translation>
    </message>
    <message>
        <source>LINE&apos;s signature matches, but what it signed is not something Otokui can read. Check the chats in the LINE Official Account Manager app, then dismiss it.</source>
        <translation>LINEの署名は正しいものの、中身をOtokuiが読み取れませんでした。LINE Official Account Managerアプリでトークを確認してから「削除」してください。</translation>
    </message>
    <message>
        <source>It does not open with this computer&apos;s key (for example after restoring an older backup over a newer pairing). Dismiss it; pair again if this continues.</source>
        <translation>このパソコンの鍵で開けませんでした(新しい連携のあとに古いバックアップを復元した場合など)。「削除」してください。続く場合は連携をやり直してください。</translation>
    </message>
    <message>
        <source>It came from LINE but could not be added to the book. Try again after updating Otokui, or dismiss it.</source>
        <translation>LINEから届きましたが、台帳に追加できませんでした。Otokuiを更新してから「もう一度試す」を押すか、「削除」してください。</translation>
    </message>
    <message>
        <source>A channel secret is 32 letters and digits (0-9 and a-f). Copy it again from the LINE Developers console: Basic settings → Channel secret.</source>
        <translation>チャネルシークレットは32文字の英数字(0〜9とa〜f)です。LINE Developersコンソールの「チャネル基本設定」→「チャネルシークレット」から、もう一度コピーしてください。</translation>
    </message>
    <message>
        <source>Paste the channel access token (LINE Developers console: Messaging API → Channel access token).</source>
        <translation>チャネルアクセストークンを貼り付けてください(LINE Developersコンソールの「Messaging API設定」→「チャネルアクセストークン」)。</translation>
    </message>
    <message>
        <source>Enter the pairing code from the relay&apos;s admin page.</source>
        <translation>中継サーバーの管理ページに表示された連携コードを入力してください。</translation>
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
    <name>templates</name>
    <message>
        <source>A template needs a title of at most 100 characters.</source>
        <translation>定型文のタイトルを100文字までで入力してください。</translation>
    </message>
    <message>
        <source>A template needs a text.</source>
        <translation>定型文の本文を入力してください。</translation>
    </message>
    <message>
        <source>A template can be at most 5,000 characters long (as LINE counts them).</source>
        <translation>定型文は5,000文字までです(LINEの数え方)。</translation>
    </message>
    <message>
        <source>A template is listed twice.</source>
        <translation>同じ定型文が2回あります。</translation>
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
