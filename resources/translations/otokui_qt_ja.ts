<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own words that qtbase_ja.qm does not translate yet (kept by hand, not by
     "python -m ui.i18n update"): Qt 6.11 gave these labels of its file dialog a mnemonic,
     so their source texts changed and qtbase_ja.qm's older translations no longer match.
     tests/ui/test_qt_dialogs.py finds any other English left in Qt's dialogs. -->
<TS version="2.1" language="ja_JP">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>場所(&amp;L):</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>ファイルの種類(&amp;T):</translation>
    </message>
</context>
</TS>
