"""The catalogue of samspil's errors.

Each message says what was expected, what was found and what to do. Library
code raises these; only the CLI turns them into exit codes.
"""
from __future__ import annotations


class SamspilError(Exception):
    """Base class of every error samspil raises on purpose."""


class IngestError(SamspilError):
    """A file could not be turned into text. ``str(err)`` names the file and the cause."""

    cause = "could not be read"
    advice = ""

    def __init__(self, path: str, detail: str = "") -> None:
        self.path = str(path)
        self.detail = detail
        message = f"{self.path}: {self.cause}"
        if detail:
            message += f" ({detail})"
        if self.advice:
            message += f". {self.advice}"
        super().__init__(message)

    def __reduce__(self):  # keep errors picklable across worker processes
        return (type(self), (self.path, self.detail))


class FileNotFound(IngestError):
    cause = "no such file"
    advice = "Check the path."


class UnsupportedTypeError(IngestError):
    cause = "unsupported file type"
    advice = "Expected one of .txt .md .html .htm .docx .doc .odt .rtf .pdf .eml .msg."


class EmptyFileError(IngestError):
    cause = "the file is empty or holds no text"
    advice = "Nothing to classify; check that the right file was exported."


class BinaryFileError(IngestError):
    cause = "binary content where text was expected"
    advice = "Give a text document (.txt, .pdf, .docx, ...), not a binary file."


class CorruptFileError(IngestError):
    cause = "the file is corrupt or not of the type its name says"
    advice = "Open it in its program and save it again."


class EncryptedFileError(IngestError):
    cause = "the file is encrypted or password protected"
    advice = "Remove the password and try again."


class FileTooLargeError(IngestError):
    cause = "the file is larger than the limit"
    advice = "Raise the limit (max_bytes / --max-bytes) if the file is trusted."


class TextTooLongError(IngestError):
    cause = "the document's text is longer than the limit"
    advice = "Split the document, or raise the limit (max_chars / --max-chars): scoring takes about 100 MB per million characters."


class ArchiveBombError(IngestError):
    cause = "the packed file expands beyond the limit (possible zip bomb)"
    advice = "Raise the limit (max_unpacked_bytes / max_ratio) if the file is trusted."


class NoTextLayerError(IngestError):
    cause = "the PDF has no text layer (scanned pages?)"
    advice = "Run OCR on it first (e.g. ocrmypdf -l dan) and classify the result."


class TimeoutError_(IngestError):
    cause = "processing took longer than the time limit"
    advice = "Raise the time limit if the document is trusted."


class WorkerDiedError(IngestError):
    cause = "the worker process died while processing the document"
    advice = "The file may trigger a crash in a parser; inspect it separately."


class ModelError(SamspilError):
    """A model directory is missing, incomplete or does not match its manifest."""
