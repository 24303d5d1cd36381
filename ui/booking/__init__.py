"""The 予約 window: calendar (day/week), list, approval queue (issue 14)."""
