"""The desktop's side of the relay's autopilot (issue 13): see docs/relay.md, "Autopilot"."""
