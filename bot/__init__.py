"""The Rasa project: configuration, domain and custom NLU components."""
