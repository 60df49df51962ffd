"""People who sign in to the admin, and which apps they may see in which role."""
