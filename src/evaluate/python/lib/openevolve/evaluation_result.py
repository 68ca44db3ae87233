"""`EvaluationResult` with the interface OpenEvolve evaluators use: metrics plus artifacts.

Ouroboros reads `metrics` (its `combined_score` is the score) and `artifacts` (text or bytes kept
with the evaluation and shown to model operators as the evaluator's side output).
"""

from dataclasses import dataclass, field
from typing import Dict, List, Union

ArtifactValue = Union[str, bytes]


@dataclass
class EvaluationResult:
    metrics: Dict[str, float]
    artifacts: Dict[str, ArtifactValue] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, metrics: Dict[str, float]) -> "EvaluationResult":
        """A result with these metrics and no artifacts."""
        return cls(metrics=dict(metrics))

    def to_dict(self) -> Dict[str, float]:
        """The metrics alone, as older evaluators returned them."""
        return dict(self.metrics)

    def has_artifacts(self) -> bool:
        return len(self.artifacts) > 0

    def get_artifact_keys(self) -> List[str]:
        return list(self.artifacts)

    def get_artifact_size(self, key: str) -> int:
        """Size in bytes of one artifact (text counted in UTF-8), 0 when it is absent."""
        value = self.artifacts.get(key)
        if value is None:
            return 0
        return len(value) if isinstance(value, bytes) else len(str(value).encode("utf-8"))

    def get_total_artifact_size(self) -> int:
        return sum(self.get_artifact_size(key) for key in self.artifacts)
