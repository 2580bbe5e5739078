"""rasa_sdk custom actions: thin adapters from the dialogue to knowledge/."""
