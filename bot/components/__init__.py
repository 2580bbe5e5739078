"""Custom Rasa NLU components: thin adapters over knowledge/."""
