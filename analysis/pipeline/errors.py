"""The one exception family of the pipeline: callers catch ``PipelineError`` and show its message."""


class PipelineError(ValueError):
    """Bad input or configuration for the broad-listening pipeline, with a human-readable message."""
