"""Who may look: accounts with hashed passwords, log-in sessions under a lockout, the viewer they yield."""
