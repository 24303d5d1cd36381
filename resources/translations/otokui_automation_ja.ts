<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
<context>
    <name>RuleError</name>
    <message>
        <source>A keyword rule needs at least one keyword.</source>
        <translation>キーワードのルールには、キーワードが1つ以上必要です。</translation>
    </message>
    <message>
        <source>This rule&apos;s When is not one Otokui knows.</source>
        <translation>このルールのきっかけ(いつ)は、Otokui が知らないものです。</translation>
    </message>
    <message>
        <source>This rule has an action Otokui does not know.</source>
        <translation>このルールには、Otokui が知らない動作があります。</translation>
    </message>
    <message>
        <source>A rule needs at least one action.</source>
        <translation>ルールには、動作が1つ以上必要です。</translation>
    </message>
    <message>
        <source>A rule needs a name.</source>
        <translation>ルールには名前が必要です。</translation>
    </message>
    <message>
        <source>Another rule already has this name.</source>
        <translation>同じ名前のルールがすでにあります。</translation>
    </message>
    <message>
        <source>There is no tag with this name.</source>
        <translation>この名前のタグはありません。</translation>
    </message>
    <message>
        <source>There is no field with this name.</source>
        <translation>この名前の項目はありません。</translation>
    </message>
    <message>
        <source>There is no saved segment with this name.</source>
        <translation>この名前の保存したセグメントはありません。</translation>
    </message>
    <message>
        <source>Points can only be added to a number or points field.</source>
        <translation>ポイントを足せるのは、数値またはポイントの項目だけです。</translation>
    </message>
    <message>
        <source>A value in this rule is missing or not valid.</source>
        <translation>このルールの値が足りないか、正しくありません。</translation>
    </message>
    <message>
        <source>These rules would trigger each other in a loop.</source>
        <translation>これらのルールはお互いを呼び出し続けてしまいます(ループ)。</translation>
    </message>
    <message>
        <source>The chat status must be open, in_progress or done.</source>
        <translation>チャットの状態は open(未対応)、in_progress(対応中)、done(対応済み)のどれかにしてください。</translation>
    </message>
    <message>
        <source>A rule file holds one JSON object.</source>
        <translation>ルールのファイルには、JSON のオブジェクトを1つだけ書いてください。</translation>
    </message>
    <message>
        <source>A message to send needs a text.</source>
        <translation>送るメッセージには本文が必要です。</translation>
    </message>
    <message>
        <source>A tag it uses was deleted.</source>
        <translation>使っているタグが削除されました。</translation>
    </message>
    <message>
        <source>A field it uses was deleted.</source>
        <translation>使っている項目が削除されました。</translation>
    </message>
    <message>
        <source>The segment it uses was deleted.</source>
        <translation>使っているセグメントが削除されました。</translation>
    </message>
    <message>
        <source>The form it uses was deleted.</source>
        <translation>使っているフォームが削除されました。</translation>
    </message>
</context>
</TS>
