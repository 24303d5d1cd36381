<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>SegmentBuilder</name>
    <message>
        <source>The count could not be made. Try again in a moment.</source>
        <translation>人数を数えられませんでした。少し待ってからもう一度お試しください。</translation>
    </message>
</context>
<context>
    <name>SegmentBuilderDialog</name>
    <message>
        <source>New segment</source>
        <translation>新しいセグメント</translation>
    </message>
    <message>
        <source>Edit segment</source>
        <translation>セグメントを編集</translation>
    </message>
    <message>
        <source>For example: VIP customers in Tokyo</source>
        <translation>例: 東京都のVIPのお客様</translation>
    </message>
    <message>
        <source>Name</source>
        <comment>of a segment</comment>
        <translation>名前</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>Matching: …</source>
        <translation>該当: …</translation>
    </message>
    <message>
        <source>The saved conditions could not be read. Set them again and save.</source>
        <translation>保存された条件を読み込めませんでした。条件を設定し直して保存してください。</translation>
    </message>
    <message>
        <source>Matching: —</source>
        <translation>該当: —</translation>
    </message>
    <message>
        <source>Complete the conditions to see who matches.</source>
        <translation>条件をすべて入れると、該当するお客様が表示されます。</translation>
    </message>
    <message>
        <source>Condition %1: %2</source>
        <translation>条件 %1: %2</translation>
    </message>
    <message>
        <source>Matching: %1</source>
        <translation>該当: %1</translation>
    </message>
    <message>
        <source>%1 more match but blocked the shop: they never receive broadcasts.</source>
        <translation>ブロック中: ほか%1（配信されません）</translation>
    </message>
    <message>
        <source>The first %1 of them</source>
        <translation>該当する方（最初の%1人）</translation>
    </message>
    <message>
        <source>Who matches</source>
        <translation>該当する方</translation>
    </message>
    <message>
        <source>Give the segment a name.</source>
        <translation>セグメントの名前を入力してください。</translation>
    </message>
    <message>
        <source>Correct the condition marked in red.</source>
        <translation>赤で示した条件を直してください。</translation>
    </message>
</context>
<context>
    <name>SegmentRow</name>
    <message>
        <source>Tags</source>
        <translation>タグ</translation>
    </message>
    <message>
        <source>Friend since</source>
        <translation>友だち追加日</translation>
    </message>
    <message>
        <source>Birthday month</source>
        <translation>誕生月</translation>
    </message>
    <message>
        <source>LINE</source>
        <translation>LINE</translation>
    </message>
    <message>
        <source>Last message from the customer</source>
        <translation>お客様からの最後のメッセージ</translation>
    </message>
    <message>
        <source>Prefecture</source>
        <translation>都道府県</translation>
    </message>
    <message>
        <source>Privacy policy</source>
        <translation>プライバシーポリシー</translation>
    </message>
    <message>
        <source>Remove this condition</source>
        <translation>この条件を削除</translation>
    </message>
    <message>
        <source>Match all of these (AND)</source>
        <translation>すべての条件に一致（AND）</translation>
    </message>
    <message>
        <source>Match any of these (OR)</source>
        <translation>いずれかの条件に一致（OR）</translation>
    </message>
    <message>
        <source>Remove this group</source>
        <translation>このグループを削除</translation>
    </message>
    <message>
        <source>Add condition</source>
        <translation>条件を追加</translation>
    </message>
    <message>
        <source>Add group</source>
        <translation>グループを追加</translation>
    </message>
    <message>
        <source>A group of conditions combined the other way (AND inside OR, or OR inside AND)</source>
        <translation>外側とは逆の組み合わせ方の条件グループ（AND の中に OR、OR の中に AND）</translation>
    </message>
    <message>
        <source>comparison before the value</source>
        <comment>Word order in a condition row: translate as “comparison after the value” when the language reads that way (Japanese does)</comment>
        <translation>comparison after the value</translation>
    </message>
    <message>
        <source>has any of</source>
        <translation>いずれかが付いている</translation>
    </message>
    <message>
        <source>has all of</source>
        <translation>すべて付いている</translation>
    </message>
    <message>
        <source>has none of</source>
        <translation>どれも付いていない</translation>
    </message>
    <message>
        <source>Choose tags…</source>
        <translation>タグを選ぶ…</translation>
    </message>
    <message>
        <source>Choose at least one tag.</source>
        <translation>タグを1つ以上選んでください。</translation>
    </message>
    <message>
        <source>(deleted tag)</source>
        <translation>（削除されたタグ）</translation>
    </message>
    <message>
        <source>is</source>
        <translation>と一致</translation>
    </message>
    <message>
        <source>contains</source>
        <translation>を含む</translation>
    </message>
    <message>
        <source>at least</source>
        <translation>以上</translation>
    </message>
    <message>
        <source>at most</source>
        <translation>以下</translation>
    </message>
    <message>
        <source>between</source>
        <translation>の範囲</translation>
    </message>
    <message>
        <source>before</source>
        <translation>より前</translation>
    </message>
    <message>
        <source>after</source>
        <translation>より後</translation>
    </message>
    <message>
        <source>within the next days</source>
        <translation>今日から先の日数以内</translation>
    </message>
    <message>
        <source>within the last days</source>
        <translation>過去の日数以内</translation>
    </message>
    <message>
        <source>is any of</source>
        <translation>のいずれか</translation>
    </message>
    <message>
        <source>includes all of</source>
        <translation>をすべて含む</translation>
    </message>
    <message>
        <source>has no file</source>
        <translation>ファイルなし</translation>
    </message>
    <message>
        <source>is empty</source>
        <translation>未入力</translation>
    </message>
    <message>
        <source>has a file</source>
        <translation>ファイルあり</translation>
    </message>
    <message>
        <source>is not empty</source>
        <translation>入力あり</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>テキスト</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>数値</translation>
    </message>
    <message>
        <source> days</source>
        <translation>日</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>選ぶ…</translation>
    </message>
    <message>
        <source>Enter a number.</source>
        <translation>数値を入力してください。</translation>
    </message>
    <message>
        <source>Enter a text.</source>
        <translation>文字を入力してください。</translation>
    </message>
    <message>
        <source>Choose at least one.</source>
        <translation>1つ以上選んでください。</translation>
    </message>
    <message>
        <source>this month</source>
        <translation>今月</translation>
    </message>
    <message>
        <source>month %1</source>
        <translation>%1月</translation>
    </message>
    <message>
        <source>is a LINE friend</source>
        <translation>LINEの友だち</translation>
    </message>
    <message>
        <source>is not on LINE</source>
        <translation>LINEでつながっていない</translation>
    </message>
    <message>
        <source>within the last</source>
        <translation>直近</translation>
    </message>
    <message>
        <source>Choose prefectures…</source>
        <translation>都道府県を選ぶ…</translation>
    </message>
    <message>
        <source>Filter prefectures</source>
        <translation>都道府県を絞り込む</translation>
    </message>
    <message>
        <source>is in</source>
        <translation>次のいずれか</translation>
    </message>
    <message>
        <source>Choose at least one prefecture.</source>
        <translation>都道府県を1つ以上選んでください。</translation>
    </message>
    <message>
        <source>— agreed only to an earlier one</source>
        <translation>版より前の版にだけ同意した</translation>
    </message>
    <message>
        <source>agreed to version</source>
        <translation>第</translation>
    </message>
    <message>
        <source>or a later one</source>
        <translation>版またはそれ以降に同意した</translation>
    </message>
    <message>
        <source>A condition on a field that was deleted</source>
        <translation>削除された項目の条件</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>絞り込む</translation>
    </message>
</context>
<context>
    <name>SegmentSection</name>
    <message>
        <source>Broadcast to this tag…</source>
        <translation>このタグに配信…</translation>
    </message>
    <message>
        <source>New segment from this tag…</source>
        <translation>このタグからセグメントを作る…</translation>
    </message>
    <message>
        <source>Segments</source>
        <translation>セグメント</translation>
    </message>
    <message>
        <source>New segment…</source>
        <translation>新しいセグメント…</translation>
    </message>
    <message>
        <source>Save conditions as a segment to see them here.</source>
        <translation>条件をセグメントとして保存すると、ここに表示されます。</translation>
    </message>
    <message>
        <source>Rename segment</source>
        <translation>セグメントの名前を変更</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>新しい名前:</translation>
    </message>
    <message>
        <source>Delete segment</source>
        <translation>セグメントを削除</translation>
    </message>
    <message>
        <source>Delete the segment “%1”? Its customers and their tags are kept; only the saved conditions are removed.</source>
        <translation>セグメント「%1」を削除しますか？お客様やタグはそのまま残り、保存した条件だけが削除されます。</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>編集…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>名前を変更…</translation>
    </message>
    <message>
        <source>Broadcast to this segment…</source>
        <translation>このセグメントに配信…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>削除…</translation>
    </message>
</context>
</TS>
