"""Run the safety rules on every message and let a signal take over.

Placed last in the NLU pipeline, so its result is on every parsed message and
wins over every other classification. Two layers decide:
- the pattern rules of knowledge.safety (typo-tolerant, aware of questions about
  the topic and of reported accusations), on the full text;
- the trained safety_* intents, but only above their own, high threshold,
  because a trained intent with few examples tends to become a catch-all.
A trained safety intent below that threshold is replaced by the next intent.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.intent_override import set_intent
from knowledge.safety import LEVELS, detect, warm_up

PREFIX = "safety_"
CHECK_FAILED = "safety_check_failed"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyDetector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intent_threshold": 0.9, "fallback_intent": "ask_question"}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.threshold = float(config["intent_threshold"])
        self.fallback_intent = config["fallback_intent"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyDetector":
        warm_up()  # fits the trained layer now, not on a parent's first message
        return cls({**cls.get_default_config(), **config})

    def _trained_level(self, message: Message) -> Optional[str]:
        intent = message.get(INTENT) or {}
        name = intent.get("name") or ""
        if name.startswith(PREFIX) and (intent.get("confidence") or 0) >= self.threshold:
            level = name[len(PREFIX) :]
            return level if level in LEVELS else None
        return None

    def _demote(self, message: Message) -> None:
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if not str(r.get("name", "")).startswith(PREFIX)]
        name = ranking[0]["name"] if ranking else self.fallback_intent
        if name == "nlu_fallback":
            name = self.fallback_intent
        set_intent(message, name)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            signal = detect(message.get(TEXT) or "")
            level, rules = signal.level, list(signal.rules)
            trained = self._trained_level(message)
            if trained and (level is None or LEVELS.index(trained) < LEVELS.index(level)):
                level, rules = trained, rules + ["trained-intent"]
            if level:
                set_intent(message, PREFIX + level)
                message.set("safety", {"level": level, "rules": rules}, add_to_output=True)
            elif signal.failed:  # a broken detector must not read as "no danger"
                set_intent(message, CHECK_FAILED)
                message.set("safety", {"level": None, "rules": ["detector-failed"]}, add_to_output=True)
            elif str((message.get(INTENT) or {}).get("name", "")).startswith(PREFIX):
                self._demote(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
