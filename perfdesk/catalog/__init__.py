"""Finding and reading the form, profile and indicator files; installed explicitly at start-up (install())."""
