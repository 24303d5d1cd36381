"""The 分析 window: the dashboard's charts and the cross tabulation (docs/analytics.md)."""
