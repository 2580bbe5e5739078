"""Developer commands behind the Makefile targets."""
