"""Inflow routes (流入経路): where friends come from (docs/analytics.md).

The owner names routes (カウンターQR, Instagram, チラシ …); each has an opaque slug, a URL
on the shop's relay and a QR code. The relay's route page seals which friend arrived by
which route for the devices (``otokui-route-arrival/1``) and sends the friend on to the
add-friend page; on sync :mod:`app.routes.arrivals` applies arrivals, idempotently.
"""
