"""Record, in the trained model, which spaCy pipeline it was trained with.

At training time the pipeline identity is stored in the model; when the model
is loaded, a different pipeline on disk stops the server with a clear message
instead of serving a model with features it was not trained on.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.spacy_pipeline import FALLBACK_WARNING, PREFERRED, read_identity

log = logging.getLogger(__name__)
FILE = "spacy_pipeline_identity.json"


class PipelineMismatch(RuntimeError):
    pass


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SpacyPipelineGuard(GraphComponent):
    def __init__(
        self, model_storage: ModelStorage, resource: Resource, trained_with: Optional[Dict[str, str]] = None
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.trained_with = trained_with or {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SpacyPipelineGuard":
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        identity = read_identity()
        if identity.get("pipeline") != PREFERRED:
            log.warning(FALLBACK_WARNING)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / FILE).write_text(json.dumps(identity, sort_keys=True))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SpacyPipelineGuard":
        with model_storage.read_from(resource) as directory:
            trained_with = json.loads((directory / FILE).read_text())
        now = read_identity()
        if now != trained_with:
            raise PipelineMismatch(
                f"This model was trained with spaCy pipeline {trained_with}, but the "
                f"pipeline on disk is {now}. Retrain with `make train`."
            )
        if now.get("pipeline") != PREFERRED:
            log.warning(FALLBACK_WARNING)
        return cls(model_storage, resource, trained_with)

    def process(self, messages: List[Message]) -> List[Message]:
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
