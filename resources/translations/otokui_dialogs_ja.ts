<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>NewPassphraseFields</name>
    <message>
        <source>Passphrase</source>
        <translation>パスフレーズ</translation>
    </message>
    <message>
        <source>Once more</source>
        <translation>もう一度</translation>
    </message>
    <message>
        <source>At least 8 characters. A short sentence only you know is easy to remember.</source>
        <translation>8文字以上。自分だけが知っている短い文にすると覚えやすくなります。</translation>
    </message>
    <message>
        <source>Too short: please use at least 8 characters.</source>
        <translation>短すぎます。8文字以上にしてください。</translation>
    </message>
    <message>
        <source>Long enough.</source>
        <translation>十分な長さです。</translation>
    </message>
    <message>
        <source>This is not the same as the first one.</source>
        <translation>1回目と一致しません。</translation>
    </message>
    <message>
        <source>Both are the same.</source>
        <translation>一致しています。</translation>
    </message>
</context>
<context>
    <name>PasswordField</name>
    <message>
        <source>Show</source>
        <extracomment>Kinds of message under a field (also set as the label&apos;s &quot;kind&quot; property for tests).</extracomment>
        <translation>表示する</translation>
    </message>
</context>
<context>
    <name>RecoveryCodeDialog</name>
    <message>
        <source>Recovery passphrase</source>
        <translation>回復用パスフレーズ</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>戻る</translation>
    </message>
    <message>
        <source>I have written it down</source>
        <translation>書き留めました</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>確認する</translation>
    </message>
</context>
<context>
    <name>RecoveryCodeView</name>
    <message>
        <source>Your recovery passphrase</source>
        <translation>あなたの回復用パスフレーズ</translation>
    </message>
    <message>
        <source>With this passphrase your customer book can be opened on another computer, or if the key on this computer is lost.

Write it on paper or print it now, and keep it somewhere safe, away from the computer. It is shown only this once: Otokui does not keep a copy it can show you again.

Next, you will type it back to check that it was written down correctly.</source>
        <translation>このパスフレーズがあれば、別のパソコンでも、このパソコンの鍵がなくなったときでも、顧客台帳を開けます。

今すぐ紙に書き写すか印刷して、パソコンから離れた安全な場所に保管してください。表示されるのはこの一度だけです。Otokuiは後から表示できる控えを持っていません。

次の画面で入力し直して、正しく書き留められたかを確かめます。</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>印刷…</translation>
    </message>
    <message>
        <source>Otokui recovery passphrase</source>
        <translation>Otokui 回復用パスフレーズ</translation>
    </message>
    <message>
        <source>Keep this paper somewhere safe. Anyone who has it and a copy of your customer book can open the book.</source>
        <translation>この紙は安全な場所に保管してください。この紙と顧客台帳の写しがあれば、誰でも台帳を開けてしまいます。</translation>
    </message>
</context>
<context>
    <name>RecoveryConfirm</name>
    <message>
        <source>Type the recovery passphrase back</source>
        <translation>回復用パスフレーズを入力してください</translation>
    </message>
    <message>
        <source>Type it from what you wrote down, not from memory. Capital or small letters, spaces and hyphens do not matter.</source>
        <translation>記憶ではなく、書き留めたものを見て入力してください。大文字・小文字、スペースやハイフンの違いは気にしなくて大丈夫です。</translation>
    </message>
    <message>
        <source>This is not the same as the recovery passphrase shown. Check what you wrote down, or go back to see it again.</source>
        <translation>表示した回復用パスフレーズと一致しません。書き留めたものを確かめるか、「戻る」でもう一度表示してください。</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <source>Otokui</source>
        <translation>Otokui</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
</context>
<context>
    <name>UnlockWidget</name>
    <message>
        <source>Opening the customer book…</source>
        <translation>顧客台帳を開いています…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>開く</translation>
    </message>
    <message>
        <source>The customer book is locked</source>
        <translation>顧客台帳はロックされています</translation>
    </message>
    <message>
        <source>Type your passphrase</source>
        <translation>パスフレーズを入力してください</translation>
    </message>
    <message>
        <source>Your customer book is protected by a passphrase. Type it to open the book. A recovery passphrase works too.</source>
        <translation>顧客台帳はパスフレーズで守られています。入力すると台帳が開きます。回復用パスフレーズでも開けます。</translation>
    </message>
    <message>
        <source>Open with your recovery passphrase</source>
        <translation>回復用パスフレーズで開いてください</translation>
    </message>
    <message>
        <source>The key of your customer book was kept in a different password store than the one this computer uses now, so it cannot be opened by itself.</source>
        <translation>顧客台帳の鍵は、このパソコンが今使っているものとは別のパスワード保管庫に保管されていたため、自動では開けません。</translation>
    </message>
    <message>
        <source>The password store of this computer does not answer.</source>
        <translation>このパソコンのパスワード保管庫が応答しません。</translation>
    </message>
    <message>
        <source>The key of your customer book is no longer in this computer&apos;s password store, so it cannot be opened by itself.</source>
        <translation>このパソコンのパスワード保管庫に顧客台帳の鍵が見つからないため、自動では開けません。</translation>
    </message>
    <message>
        <source>Type the recovery passphrase you wrote down when the book was made. Your customers&apos; data is safe; nothing has been changed.</source>
        <translation>台帳を作ったときに書き留めた回復用パスフレーズを入力してください。お客さまのデータは無事です。何も変更していません。</translation>
    </message>
    <message>
        <source>Please type the passphrase.</source>
        <translation>パスフレーズを入力してください。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>確認しています…</translation>
    </message>
    <message>
        <source>The passphrase is wrong. Please type it again.</source>
        <translation>パスフレーズが違います。もう一度入力してください。</translation>
    </message>
</context>
<context>
    <name>WelcomeDialog</name>
    <message>
        <source>Welcome to Otokui</source>
        <translation>Otokui へようこそ</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>戻る</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>次へ</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Otokui keeps the customer book of your LINE Official Account on this computer, encrypted. Nothing is sent anywhere unless you choose to.</source>
        <translation>Otokuiは、LINE公式アカウントのお客さまの台帳を、このパソコンの中に暗号化して保管します。あなたが選ばない限り、どこにも送信しません。</translation>
    </message>
    <message>
        <source>Create a new customer book</source>
        <translation>新しい顧客台帳を作る</translation>
    </message>
    <message>
        <source>Start here if this is your first time.</source>
        <translation>はじめての方はこちら。</translation>
    </message>
    <message>
        <source>Restore from a backup</source>
        <translation>バックアップから復元</translation>
    </message>
    <message>
        <source>Bring back a customer book from a backup file you saved before.</source>
        <translation>以前に保存したバックアップファイルから顧客台帳を戻します。</translation>
    </message>
    <message>
        <source>Try the demo</source>
        <translation>デモを試す</translation>
    </message>
    <message>
        <source>Look around with made-up customers. Your own book is not touched.</source>
        <translation>架空のお客さまで使い方を試せます。あなたの台帳には触れません。</translation>
    </message>
    <message>
        <source>How should the customer book be protected?</source>
        <translation>顧客台帳の守り方を選んでください</translation>
    </message>
    <message>
        <source>Keep the key on this computer (recommended)</source>
        <translation>このパソコンに鍵を保管 (おすすめ)</translation>
    </message>
    <message>
        <source>The book opens when you sign in to this computer. There is no passphrase to remember. The key is kept in the computer&apos;s own password store.</source>
        <translation>このパソコンにサインインしていれば台帳が開きます。覚えるパスフレーズはありません。鍵はパソコンのパスワード保管庫に保管します。</translation>
    </message>
    <message>
        <source>Protect it with a passphrase</source>
        <translation>パスフレーズで守る</translation>
    </message>
    <message>
        <source>You type the passphrase each time Otokui starts. Choose this if others use this computer with the same sign-in.</source>
        <translation>Otokuiを起動するたびにパスフレーズを入力します。同じサインインでこのパソコンをほかの人も使う場合はこちらを選んでください。</translation>
    </message>
    <message>
        <source>Make a recovery passphrase (recommended)</source>
        <translation>回復用パスフレーズを作る (おすすめ)</translation>
    </message>
    <message>
        <source>For the day this computer breaks or you move to a new one: a passphrase made for you, to write down and keep safe.</source>
        <translation>パソコンが壊れたときや買い替えたときのための、Otokuiが作るパスフレーズです。書き留めて大切に保管します。</translation>
    </message>
    <message>
        <source>Choose the backup file (.otkb). It is checked completely before anything is restored.</source>
        <translation>バックアップファイル(.otkb)を選んでください。復元の前に、ファイル全体を確認します。</translation>
    </message>
    <message>
        <source>No file chosen</source>
        <translation>ファイルが選ばれていません</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>選ぶ…</translation>
    </message>
    <message>
        <source>If the backup was made on another computer, type the book&apos;s passphrase or its recovery passphrase. On the computer that made it, you can leave this empty.</source>
        <translation>別のパソコンで作ったバックアップの場合は、台帳のパスフレーズか回復用パスフレーズを入力してください。作ったパソコンで復元する場合は空欄のままで構いません。</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>パスフレーズ</translation>
    </message>
    <message>
        <source>I have written it down</source>
        <translation>書き留めました</translation>
    </message>
    <message>
        <source>Create the customer book</source>
        <translation>顧客台帳を作る</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>復元する</translation>
    </message>
    <message>
        <source>This computer has no password store Otokui can use, so the key cannot be kept on it. Please protect the book with a passphrase instead.</source>
        <translation>このパソコンにはOtokuiが使えるパスワード保管庫がないため、鍵を保管できません。かわりにパスフレーズで台帳を守ってください。</translation>
    </message>
    <message>
        <source>Please type the same passphrase of at least 8 characters twice.</source>
        <translation>8文字以上の同じパスフレーズを2回入力してください。</translation>
    </message>
    <message>
        <source>Creating your customer book…</source>
        <translation>顧客台帳を作っています…</translation>
    </message>
    <message>
        <source>Choose a backup file</source>
        <translation>バックアップファイルを選ぶ</translation>
    </message>
    <message>
        <source>Otokui backups (*.otkb);;All files (*)</source>
        <translation>Otokuiのバックアップ (*.otkb);;すべてのファイル (*)</translation>
    </message>
    <message>
        <source>Reading the backup…</source>
        <translation>バックアップを読み込んでいます…</translation>
    </message>
    <message>
        <source>Backup made on %1: %2 customers, %3 attachments.</source>
        <translation>%1 に作成したバックアップ: お客さま %2人、添付ファイル %3件</translation>
    </message>
    <message>
        <source>Checking and restoring the backup…</source>
        <translation>バックアップを確認して復元しています…</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>中止</translation>
    </message>
    <message>
        <source>The restore was stopped. Nothing was changed.</source>
        <translation>復元を中止しました。何も変更していません。</translation>
    </message>
    <message>
        <source>This backup needs its passphrase. Please type it.</source>
        <translation>このバックアップにはパスフレーズが必要です。入力してください。</translation>
    </message>
    <message>
        <source>The passphrase is wrong. Please type it again.</source>
        <translation>パスフレーズが違います。もう一度入力してください。</translation>
    </message>
</context>
</TS>
