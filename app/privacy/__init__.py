"""Privacy by the book (個人情報保護法, issue 16): the privacy policy, consent records.

Qt-free. ``policy`` generates the Japanese policy from the shop's settings; ``service``
versions it, exports it and publishes it to the relay's ``GET /privacy`` page.
"""
