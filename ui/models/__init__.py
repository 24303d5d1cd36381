"""Qt item models over the customer book."""
