"""Step sequences (ステップ配信) and birthday messages; see docs/sequences.md."""

from app.sequences.model import Progress, RunReport, SequenceInfo, Step
from app.sequences.service import SequenceService

__all__ = ["Progress", "RunReport", "SequenceInfo", "SequenceService", "Step"]
