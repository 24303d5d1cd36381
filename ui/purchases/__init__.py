"""The 販売 (sales) window parts: see app/purchases for the core."""
