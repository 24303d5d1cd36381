"""Online payments on the relay: the shop's product page, Stripe Checkout, Stripe's
webhooks, the order sealed to the devices. See relay/payments/http.py and
docs/purchases.md ("Online payment")."""
