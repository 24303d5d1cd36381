"""Inflow routes (流入経路) in the window: a dialog from the お客様 menu."""
