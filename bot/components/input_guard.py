"""Route empty, wordless and non-Dutch messages to a clear Dutch reply."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.intent_override import set_intent
from knowledge.input_check import problem

INTENT_FOR_PROBLEM = {
    "empty": "input_empty",
    "no_words": "input_no_words",
    "other_language": "input_other_language",
}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class InputGuard(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "InputGuard":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            kind = problem(message.get(TEXT))
            if kind:
                message.set("input_problem", kind, add_to_output=True)
            if kind in INTENT_FOR_PROBLEM:
                set_intent(message, INTENT_FOR_PROBLEM[kind])
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
