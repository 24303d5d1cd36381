"""Inflow routes (流入経路) on the relay: the route page and its device API."""
