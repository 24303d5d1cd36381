"""The ルール window (automation rules) and the ステップ配信 window (step sequences)."""
