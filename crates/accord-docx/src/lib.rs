//! Word (DOCX) files of a revision and of a redline, with real tracked changes (w:ins, w:del).
