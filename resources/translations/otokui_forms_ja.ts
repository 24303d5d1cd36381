<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>AnswersModel</name>
    <message>
        <source>Customer</source>
        <translation>お客様</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Sent at</source>
        <translation>送信日時</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版</translation>
    </message>
    <message>
        <source>Customer %1</source>
        <translation>お客様 %1</translation>
    </message>
    <message>
        <source>v%1</source>
        <translation>第%1版</translation>
    </message>
</context>
<context>
    <name>FormBuilder</name>
    <message>
        <source>e.g. First-visit questionnaire</source>
        <extracomment>Custom field types an item of each kind may fill (app.forms.apply._compatible). Whether the working copy differs from what is saved. The check&apos;s result: (item index or None for the form, translated text), or None.</extracomment>
        <translation>例: 初回問診票</translation>
    </message>
    <message>
        <source>Shown under the title</source>
        <translation>タイトルの下に表示されます</translation>
    </message>
    <message>
        <source>Add a question</source>
        <translation>質問を追加</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>上へ</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>下へ</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>タイトル</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>説明</translation>
    </message>
    <message>
        <source>Questions, in order</source>
        <translation>質問（表示順）</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>質問</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <source>Preview (a phone&apos;s width)</source>
        <translation>プレビュー（スマホの幅）</translation>
    </message>
    <message>
        <source>Open the page in the browser</source>
        <translation>ブラウザで実際のページを見る</translation>
    </message>
    <message>
        <source>Shows the page exactly as friends will get it, at a phone&apos;s width, from this computer only. Reload it after editing; nothing sent from it is kept.</source>
        <translation>お友だちに届くページそのままを、スマートフォンの幅で表示します（このパソコンの中だけ）。編集したら再読み込みしてください。送信しても保存されません。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Undo changes</source>
        <translation>変更を取り消す</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>種類</translation>
    </message>
    <message>
        <source>A hint under the question (optional)</source>
        <translation>質問の下に出る補足（なくてもかまいません）</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>補足</translation>
    </message>
    <message>
        <source>Must be answered</source>
        <translation>必須</translation>
    </message>
    <message>
        <source>Hidden (sends its default)</source>
        <translation>非表示（初期値を送る）</translation>
    </message>
    <message>
        <source>Filled in beforehand (optional)</source>
        <translation>あらかじめ入れておく値（なくてもかまいません）</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>初期値</translation>
    </message>
    <message>
        <source>Shortest length</source>
        <translation>最短の文字数</translation>
    </message>
    <message>
        <source>Longest length</source>
        <translation>最長の文字数</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>指定なし</translation>
    </message>
    <message>
        <source>Smallest</source>
        <translation>最小値</translation>
    </message>
    <message>
        <source>Largest</source>
        <translation>最大値</translation>
    </message>
    <message>
        <source>Whole numbers only</source>
        <translation>整数のみ</translation>
    </message>
    <message>
        <source>e.g. 2026-12-01 (no limit when empty)</source>
        <translation>例: 2026-12-01（空欄なら指定なし）</translation>
    </message>
    <message>
        <source>Earliest date</source>
        <translation>いちばん早い日付</translation>
    </message>
    <message>
        <source>Latest date</source>
        <translation>いちばん遅い日付</translation>
    </message>
    <message>
        <source>More than one may be chosen</source>
        <translation>複数選べる</translation>
    </message>
    <message>
        <source>Buttons (all shown)</source>
        <translation>ボタン（すべて表示）</translation>
    </message>
    <message>
        <source>Drop-down list</source>
        <translation>プルダウン</translation>
    </message>
    <message>
        <source>Shown as</source>
        <translation>表示のしかた</translation>
    </message>
    <message>
        <source>Choice</source>
        <translation>選択肢</translation>
    </message>
    <message>
        <source>Tags added</source>
        <translation>付けるタグ</translation>
    </message>
    <message>
        <source>Tags removed</source>
        <translation>外すタグ</translation>
    </message>
    <message>
        <source>Tags: separate several with 、 or ,</source>
        <translation>タグ: 複数は「、」か「,」で区切ります</translation>
    </message>
    <message>
        <source>Add a choice</source>
        <translation>選択肢を追加</translation>
    </message>
    <message>
        <source>Remove the choice</source>
        <translation>選択肢を削除</translation>
    </message>
    <message>
        <source>Choices</source>
        <translation>選択肢</translation>
    </message>
    <message>
        <source>Fewest choices</source>
        <translation>最少の選択数</translation>
    </message>
    <message>
        <source>Most choices</source>
        <translation>最多の選択数</translation>
    </message>
    <message>
        <source>Ask the furigana too</source>
        <translation>ふりがなもたずねる</translation>
    </message>
    <message>
        <source>Privacy policy page</source>
        <translation>プライバシーポリシーのページ</translation>
    </message>
    <message>
        <source>Photos (JPEG, PNG)</source>
        <translation>写真（JPEG・PNG）</translation>
    </message>
    <message>
        <source>PDF</source>
        <translation>PDF</translation>
    </message>
    <message>
        <source>Files taken</source>
        <translation>受け取るファイル</translation>
    </message>
    <message>
        <source>Number of files</source>
        <translation>ファイルの数</translation>
    </message>
    <message>
        <source>Goes into</source>
        <translation>回答の入れ先</translation>
    </message>
    <message>
        <source>Keep a value the customer already has</source>
        <translation>お客様にすでに値があれば残す</translation>
    </message>
    <message>
        <source>Replace it with the answer</source>
        <translation>回答で上書きする</translation>
    </message>
    <message>
        <source>When filled already</source>
        <translation>すでに値があるとき</translation>
    </message>
    <message>
        <source>The name of the answer in files and in the CSV (letters and digits)</source>
        <translation>ファイルやCSVでの回答の名前（英数字）</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>キー</translation>
    </message>
    <message>
        <source>Open from</source>
        <translation>受付開始</translation>
    </message>
    <message>
        <source>Open until</source>
        <translation>受付終了</translation>
    </message>
    <message>
        <source>One answer per friend</source>
        <translation>友だち1人につき1回答</translation>
    </message>
    <message>
        <source>A per-friend link takes one answer</source>
        <translation>お客様用リンクは1回だけ回答できます</translation>
    </message>
    <message>
        <source>The friend may change their last answer</source>
        <translation>友だちが前回の回答を直せる</translation>
    </message>
    <message>
        <source>Maximum answers</source>
        <translation>回答数の上限</translation>
    </message>
    <message>
        <source>Shown after the friend sends</source>
        <translation>送信後に表示されます</translation>
    </message>
    <message>
        <source>Thank-you text</source>
        <translation>お礼の文</translation>
    </message>
    <message>
        <source>Sent to the friend in LINE after the answer arrives (empty: none)</source>
        <translation>回答が届いたあと、LINEで友だちに送ります（空欄なら送りません）</translation>
    </message>
    <message>
        <source>Thank-you in LINE</source>
        <translation>LINEでのお礼</translation>
    </message>
    <message>
        <source>Separate several with 、 or ,</source>
        <translation>複数は「、」か「,」で区切ります</translation>
    </message>
    <message>
        <source>Tags on answer</source>
        <translation>回答した人に付けるタグ</translation>
    </message>
    <message>
        <source>(no question yet)</source>
        <translation>（質問が未入力）</translation>
    </message>
    <message>
        <source>(hidden)</source>
        <translation>（非表示）</translation>
    </message>
    <message>
        <source>I agree to the privacy policy</source>
        <translation>プライバシーポリシーに同意します</translation>
    </message>
    <message>
        <source>Answer only (no customer detail)</source>
        <translation>回答のみ（お客様の項目には入れない）</translation>
    </message>
    <message>
        <source>Customer&apos;s %1</source>
        <translation>お客様の%1</translation>
    </message>
    <message>
        <source>Custom field: %1</source>
        <translation>カスタム項目: %1</translation>
    </message>
    <message>
        <source>New custom field: %1</source>
        <translation>新しいカスタム項目: %1</translation>
    </message>
    <message>
        <source>New custom field named like the question</source>
        <translation>質問と同じ名前のカスタム項目を新しく作る</translation>
    </message>
    <message>
        <source>Question %1 (%2): %3</source>
        <translation>質問 %1（%2）: %3</translation>
    </message>
</context>
<context>
    <name>FormListModel</name>
    <message>
        <source>Title</source>
        <translation>タイトル</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版</translation>
    </message>
    <message>
        <source>%1 (edited)</source>
        <translation>%1（編集中）</translation>
    </message>
    <message>
        <source>(%1 to decide)</source>
        <translation>（%1件 要確認）</translation>
    </message>
    <message>
        <source>v%1</source>
        <translation>第%1版</translation>
    </message>
</context>
<context>
    <name>FormPreview</name>
    <message>
        <source>Send</source>
        <extracomment>The width of a common phone&apos;s page (CSS pixels), as the relay&apos;s page tests use. The labels of the items shown, in order (tests read it).</extracomment>
        <translation>送信する</translation>
    </message>
    <message>
        <source>Required (mark)</source>
        <translation>必須</translation>
    </message>
    <message>
        <source>e.g. Yamada Hanako</source>
        <translation>例: 山田 花子</translation>
    </message>
    <message>
        <source>Furigana</source>
        <translation>ふりがな</translation>
    </message>
    <message>
        <source>e.g. Yamada Hanako (kana)</source>
        <translation>例: ヤマダ ハナコ</translation>
    </message>
    <message>
        <source>Postal code</source>
        <translation>郵便番号</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>住所</translation>
    </message>
    <message>
        <source>Privacy policy</source>
        <translation>プライバシーポリシー</translation>
    </message>
    <message>
        <source>Choose a photo</source>
        <translation>写真を選ぶ</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>ファイルを選ぶ</translation>
    </message>
    <message>
        <source>Choose one</source>
        <translation>選んでください</translation>
    </message>
</context>
<context>
    <name>FormResponses</name>
    <message>
        <source>Agreed</source>
        <translation>同意済み</translation>
    </message>
</context>
<context>
    <name>FormTexts</name>
    <message>
        <source>Heading and text</source>
        <translation>見出しと文</translation>
    </message>
    <message>
        <source>Short text</source>
        <translation>短い文</translation>
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
        <source>Choice</source>
        <translation>選択肢</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>氏名</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>電話番号</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>メールアドレス</translation>
    </message>
    <message>
        <source>Postal code and address</source>
        <translation>郵便番号と住所</translation>
    </message>
    <message>
        <source>Birthday</source>
        <translation>誕生日</translation>
    </message>
    <message>
        <source>Consent</source>
        <translation>同意</translation>
    </message>
    <message>
        <source>Photo or PDF</source>
        <translation>写真・PDF</translation>
    </message>
    <message>
        <source>Furigana</source>
        <translation>ふりがな</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>住所</translation>
    </message>
    <message>
        <source>Memo</source>
        <translation>メモ</translation>
    </message>
    <message>
        <source>Applied</source>
        <translation>反映済み</translation>
    </message>
    <message>
        <source>Waiting for you</source>
        <translation>要確認</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>受け付けず</translation>
    </message>
    <message>
        <source>Replaced</source>
        <translation>置き換え済み</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>下書き</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>締切</translation>
    </message>
    <message>
        <source>Published</source>
        <translation>公開中</translation>
    </message>
    <message>
        <source>Not matched</source>
        <translation>未照合</translation>
    </message>
    <message>
        <source>%1 is required.</source>
        <translation>%1を入力してください。</translation>
    </message>
    <message>
        <source>%1 is empty.</source>
        <translation>%1が空です。</translation>
    </message>
    <message>
        <source>%1 is longer than %2 characters.</source>
        <translation>%1が%2文字を超えています。</translation>
    </message>
    <message>
        <source>%1 holds characters that cannot be shown.</source>
        <translation>%1に表示できない文字が入っています。</translation>
    </message>
    <message>
        <source>The key must be 1-40 letters, digits, _ or -, starting with a letter.</source>
        <translation>キーは英字で始まる1〜40文字の英数字・「_」・「-」にしてください。</translation>
    </message>
    <message>
        <source>This key is used by another item.</source>
        <translation>このキーは別の質問で使われています。</translation>
    </message>
    <message>
        <source>The shortest length is more than the longest.</source>
        <translation>最短の文字数が最長より大きくなっています。</translation>
    </message>
    <message>
        <source>The smallest number is more than the largest.</source>
        <translation>最小値が最大値より大きくなっています。</translation>
    </message>
    <message>
        <source>The earliest date is after the latest.</source>
        <translation>いちばん早い日付が、いちばん遅い日付より後になっています。</translation>
    </message>
    <message>
        <source>The privacy policy&apos;s address must start with https://.</source>
        <translation>プライバシーポリシーのアドレスは https:// で始めてください。</translation>
    </message>
    <message>
        <source>Choose photos, PDF or both.</source>
        <translation>写真・PDFのどちらか（または両方）を選んでください。</translation>
    </message>
    <message>
        <source>A heading takes no answer.</source>
        <translation>見出しには回答がありません。</translation>
    </message>
    <message>
        <source>This kind of item takes no default.</source>
        <translation>この種類の質問には初期値を入れられません。</translation>
    </message>
    <message>
        <source>A hidden item needs a default (the value it sends).</source>
        <translation>非表示の質問には初期値（送る値）が必要です。</translation>
    </message>
    <message>
        <source>This kind of item cannot be hidden.</source>
        <translation>この種類の質問は非表示にできません。</translation>
    </message>
    <message>
        <source>Add at least one choice.</source>
        <translation>選択肢を1つ以上追加してください。</translation>
    </message>
    <message>
        <source>At most %1 choices.</source>
        <translation>選択肢は%1個までです。</translation>
    </message>
    <message>
        <source>The choice “%1” is there twice.</source>
        <translation>選択肢「%1」が2つあります。</translation>
    </message>
    <message>
        <source>The fewest choices is more than the most.</source>
        <translation>最少の選択数が最多より大きくなっています。</translation>
    </message>
    <message>
        <source>This kind of item cannot fill a custom field.</source>
        <translation>この種類の質問はカスタム項目に入れられません。</translation>
    </message>
    <message>
        <source>This kind of item cannot fill that customer detail.</source>
        <translation>この種類の質問はその項目に入れられません。</translation>
    </message>
    <message>
        <source>The default is not a valid answer.</source>
        <translation>初期値が回答として正しくありません。</translation>
    </message>
    <message>
        <source>%1 must be a whole number from %2 to %3.</source>
        <translation>%1は%2〜%3の整数にしてください。</translation>
    </message>
    <message>
        <source>%1 must be a number.</source>
        <translation>%1は数値にしてください。</translation>
    </message>
    <message>
        <source>%1 must be a date such as 2026-12-01.</source>
        <translation>%1は 2026-12-01 のような日付にしてください。</translation>
    </message>
    <message>
        <source>%1: at most %2 tags.</source>
        <translation>%1: タグは%2個までです。</translation>
    </message>
    <message>
        <source>%1 holds an empty or invalid tag name.</source>
        <translation>%1に空のタグ名か使えないタグ名があります。</translation>
    </message>
    <message>
        <source>The closing time must be after the opening time.</source>
        <translation>受付終了は受付開始より後にしてください。</translation>
    </message>
    <message>
        <source>The form asks nothing: add an item other than a heading.</source>
        <translation>質問がありません。見出し以外の質問を追加してください。</translation>
    </message>
    <message>
        <source>Add at least one item.</source>
        <translation>質問を1つ以上追加してください。</translation>
    </message>
    <message>
        <source>At most %1 items.</source>
        <translation>質問は%1個までです。</translation>
    </message>
    <message>
        <source>Title</source>
        <extracomment>Property names as the owner knows them.</extracomment>
        <translation>タイトル</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>説明</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>質問</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>補足</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>キー</translation>
    </message>
    <message>
        <source>Shortest length</source>
        <translation>最短の文字数</translation>
    </message>
    <message>
        <source>Longest length</source>
        <translation>最長の文字数</translation>
    </message>
    <message>
        <source>Smallest</source>
        <translation>最小値</translation>
    </message>
    <message>
        <source>Largest</source>
        <translation>最大値</translation>
    </message>
    <message>
        <source>Fewest choices</source>
        <translation>最少の選択数</translation>
    </message>
    <message>
        <source>Most choices</source>
        <translation>最多の選択数</translation>
    </message>
    <message>
        <source>Number of files</source>
        <translation>ファイルの数</translation>
    </message>
    <message>
        <source>Maximum answers</source>
        <translation>回答数の上限</translation>
    </message>
    <message>
        <source>Thank-you text</source>
        <translation>お礼の文</translation>
    </message>
    <message>
        <source>Tags on answer</source>
        <translation>回答した人に付けるタグ</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>タグ</translation>
    </message>
    <message>
        <source>Tags removed</source>
        <translation>外すタグ</translation>
    </message>
    <message>
        <source>Open from</source>
        <translation>受付開始</translation>
    </message>
    <message>
        <source>Open until</source>
        <translation>受付終了</translation>
    </message>
    <message>
        <source>File size</source>
        <translation>ファイルの大きさ</translation>
    </message>
    <message>
        <source>Choice %1: %2</source>
        <translation>選択肢 %1: %2</translation>
    </message>
</context>
<context>
    <name>FormsIntegration</name>
    <message>
        <source>&amp;Forms…</source>
        <extracomment>(the book&apos;s id, the form&apos;s number, the builder&apos;s working copy) over a lock.</extracomment>
        <translation>フォーム(&amp;F)…</translation>
    </message>
    <message>
        <source>Questionnaires and sign-up forms friends fill in on their phone</source>
        <translation>友だちがスマホで答える問診票・アンケート・申込フォーム</translation>
    </message>
    <message>
        <source>Forms</source>
        <translation>フォーム</translation>
    </message>
    <message>
        <source>F&amp;orms</source>
        <translation>フォーム(&amp;O)</translation>
    </message>
</context>
<context>
    <name>FormsWindow</name>
    <message>
        <source>Forms</source>
        <extracomment>Scale of one QR module in pixels, and the quiet zone: a ~7 cm print at 300 dpi.</extracomment>
        <translation>フォーム</translation>
    </message>
    <message>
        <source>New form</source>
        <translation>新しいフォーム</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>複製</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>削除…</translation>
    </message>
    <message>
        <source>Publish</source>
        <translation>公開する</translation>
    </message>
    <message>
        <source>Save and put this version on the relay, where friends open it</source>
        <translation>保存して、この版を友だちが開く中継サーバーに載せます</translation>
    </message>
    <message>
        <source>Copy the public link</source>
        <translation>公開リンクをコピー</translation>
    </message>
    <message>
        <source>Anyone with it may answer; answers are matched by phone or e-mail</source>
        <translation>だれでも回答できます。回答は電話番号かメールアドレスでお客様と照合します</translation>
    </message>
    <message>
        <source>Link for the chosen customer</source>
        <translation>選択したお客様用のリンク</translation>
    </message>
    <message>
        <source>A link only the customer chosen in the customer book can answer</source>
        <translation>顧客台帳で選択したお客様だけが回答できるリンク</translation>
    </message>
    <message>
        <source>QR code…</source>
        <translation>QRコード…</translation>
    </message>
    <message>
        <source>A PNG of the public link, to print for the counter</source>
        <translation>公開リンクのPNG画像（店頭に印刷して置けます）</translation>
    </message>
    <message>
        <source>Insert into the reply</source>
        <translation>返信に入れる</translation>
    </message>
    <message>
        <source>Puts a per-friend link into the reply of the chat that is open</source>
        <translation>開いているチャットの返信欄に、そのお客様用のリンクを入れます</translation>
    </message>
    <message>
        <source>Build</source>
        <translation>作成・編集</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>This form has changes that are not saved.</source>
        <translation>このフォームには保存していない変更があります。</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>お名前</translation>
    </message>
    <message>
        <source>%1 (copy)</source>
        <translation>%1（コピー）</translation>
    </message>
    <message>
        <source>A copy was made; it is a draft until you publish it.</source>
        <translation>コピーを作りました。公開するまでは下書きです。</translation>
    </message>
    <message>
        <source>Delete the form “%1”?</source>
        <translation>フォーム「%1」を削除しますか？</translation>
    </message>
    <message>
        <source>Its page stops working for friends who have the link. The %1 answers already in the book, and what they filled in, stay.</source>
        <translation>リンクを持っている友だちはページを開けなくなります。台帳にある%1件の回答と、それで入った内容は残ります。</translation>
    </message>
    <message>
        <source>Delete the form</source>
        <translation>フォームの削除</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>The form was deleted.</source>
        <translation>フォームを削除しました。</translation>
    </message>
    <message>
        <source>Not published: correct the question shown in red first.</source>
        <translation>公開していません。先に赤く示した質問を直してください。</translation>
    </message>
    <message>
        <source>Published as version %1. Friends can open it now.</source>
        <translation>第%1版として公開しました。友だちが開けるようになりました。</translation>
    </message>
    <message>
        <source>Version %1 is recorded, but this book is not connected to LINE yet, so friends cannot open it. Connect in Settings → LINE, then press Publish again.</source>
        <translation>第%1版として記録しましたが、この台帳はまだLINEにつながっていないため、友だちは開けません。設定 → LINE でつないでから、もう一度「公開する」を押してください。</translation>
    </message>
    <message>
        <source>Version %1 is recorded, but it could not be put on the relay: %2 %3 Then press Publish again.</source>
        <translation>第%1版として記録しましたが、中継サーバーに載せられませんでした: %2 %3 そのあと、もう一度「公開する」を押してください。</translation>
    </message>
    <message>
        <source>Publishing…</source>
        <translation>公開しています…</translation>
    </message>
    <message>
        <source>The public link was copied: %1</source>
        <translation>公開リンクをコピーしました: %1</translation>
    </message>
    <message>
        <source>Choose a customer in the customer book first.</source>
        <translation>先に顧客台帳でお客様を1人選んでください。</translation>
    </message>
    <message>
        <source>%1 is not a LINE friend, so there is no per-friend link for them. Send the public link instead.</source>
        <translation>%1さんはLINEの友だちではないため、お客様用リンクは作れません。公開リンクを送ってください。</translation>
    </message>
    <message>
        <source>The link for %1 was copied (it works for 30 days).</source>
        <translation>%1さん用のリンクをコピーしました（30日間有効）。</translation>
    </message>
    <message>
        <source>Open a customer&apos;s chat first; the link goes into its reply.</source>
        <translation>先にお客様のチャットを開いてください。リンクはその返信欄に入ります。</translation>
    </message>
    <message>
        <source>The link was put into the reply; it is sent when you send it.</source>
        <translation>返信欄にリンクを入れました。送信すると届きます。</translation>
    </message>
    <message>
        <source>Save the QR code</source>
        <translation>QRコードを保存</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG画像 (*.png)</translation>
    </message>
    <message>
        <source>The QR code could not be saved there. Choose another folder.</source>
        <translation>その場所にはQRコードを保存できませんでした。別のフォルダーを選んでください。</translation>
    </message>
    <message>
        <source>The QR code of the public link was saved: %1</source>
        <translation>公開リンクのQRコードを保存しました: %1</translation>
    </message>
    <message>
        <source>Your changes from before the lock are back; they are not saved yet.</source>
        <translation>ロック前の変更を戻しました。まだ保存されていません。</translation>
    </message>
</context>
<context>
    <name>ResponsesView</name>
    <message>
        <source>Export to CSV…</source>
        <translation>CSVに書き出す…</translation>
    </message>
    <message>
        <source>A file Excel opens, one row per answer</source>
        <translation>Excelで開けるファイル（1行に1回答）</translation>
    </message>
    <message>
        <source>This answer&apos;s phone or e-mail matches several customers. Choose whose answer it is; Otokui never guesses.</source>
        <translation>この回答の電話番号かメールアドレスに合うお客様が複数います。どなたの回答か選んでください（Otokuiは推測で決めません）。</translation>
    </message>
    <message>
        <source>Give it to this customer</source>
        <translation>このお客様の回答にする</translation>
    </message>
    <message>
        <source>%1 answers</source>
        <translation>回答 %1件</translation>
    </message>
    <message>
        <source>(%1 waiting for you to choose the customer)</source>
        <translation>（%1件はお客様の確認待ち）</translation>
    </message>
    <message>
        <source>Customer %1</source>
        <translation>お客様 %1</translation>
    </message>
    <message>
        <source>Choose an answer to read it in full.</source>
        <translation>回答を選ぶと、ここに全文が出ます。</translation>
    </message>
    <message>
        <source>None of them: a new customer</source>
        <translation>どれでもない（新しいお客様として登録）</translation>
    </message>
    <message>
        <source>Sent at</source>
        <translation>送信日時</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>お客様</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版</translation>
    </message>
    <message>
        <source>v%1</source>
        <translation>第%1版</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>リンク</translation>
    </message>
    <message>
        <source>Per-friend link</source>
        <translation>お客様用リンク</translation>
    </message>
    <message>
        <source>Public link</source>
        <translation>公開リンク</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>メモ</translation>
    </message>
    <message>
        <source>The answer was given to %1.</source>
        <translation>回答を%1さんのものにしました。</translation>
    </message>
    <message>
        <source>answers</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>Export the answers</source>
        <translation>回答の書き出し</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSVファイル (*.csv)</translation>
    </message>
    <message>
        <source>%1 answers were written to %2.</source>
        <translation>%1件の回答を %2 に書き出しました。</translation>
    </message>
    <message>
        <source>Exporting the answers…</source>
        <translation>回答を書き出しています…</translation>
    </message>
</context>
</TS>
