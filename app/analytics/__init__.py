"""Analytics (分析): the figures the dashboard, the cross tabulation and ``main.py report``
show, computed from the book without Qt (docs/analytics.md)."""
