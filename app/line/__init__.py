"""The shop's LINE channel as the desktop sees it: the access token, the Messaging API calls
the sync needs (profiles, content), and where the relay connection is kept."""
