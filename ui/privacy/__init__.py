"""The privacy feature in the window (issue 16)."""
