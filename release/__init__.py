"""Release tooling: helpers build.spec uses, and the installer scripts per system."""
