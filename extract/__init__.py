"""Reading plans: ingest, cleanup, header, structure."""
from .model import Document, Header, IngestError, Mention, Paragraph, SourceText, Task
from .reader import document_from_text, read_plan

__all__ = ["Document", "Header", "IngestError", "Mention", "Paragraph", "SourceText", "Task",
           "document_from_text", "read_plan"]
