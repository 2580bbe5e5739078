"""The knowledge base: domain models, content, retrieval and safety rules.

Plain Python (SQLAlchemy, no Rasa): the Rasa actions, the Rasa NLU components and
the web app are adapters that import from here, never the other way round.
"""
