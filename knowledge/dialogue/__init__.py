"""The conversation: what to answer, given the message and what came before.

`respond()` is the one function that decides; the Rasa action, the search API
and the reference tool call it. It remembers the topic between turns in a
`DialogueState` (kept in Rasa slots), so a follow-up such as "hoe lang duurt
dat?" or "en dat van de GI?" is read against the last answer.
"""

from knowledge.dialogue.decide import Reply, decision, respond
from knowledge.dialogue.state import DialogueState

__all__ = ["DialogueState", "Reply", "decision", "respond"]
