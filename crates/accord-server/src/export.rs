//! Files made from revisions and redlines, shared by the pages' download links and the JSON API: Akoma
//! Ntoso, Word, HTML, Markdown, and for redlines also the terminal form.

use crate::error::Error;
use accord_store::{Revision, RevisionRef, Store};
use accord_text::amendment::Provenance;
use accord_text::redline::{self, Origins, Redline};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::str::FromStr;

/// A file format for a revision or a redline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Akoma Ntoso 3.0 XML (a redline with `ins` and `del`).
    Akn,
    /// Word, with tracked changes for a redline.
    Docx,
    /// A standalone HTML file.
    Html,
    /// Markdown (revisions only).
    Md,
    /// Plain text with `[+inserted+]` and `[-deleted-]` markers (redlines only).
    Term,
    /// JSON (redlines only, from the API).
    Json,
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(text: &str) -> Result<Format, Error> {
        match text {
            "akn" | "xml" => Ok(Format::Akn),
            "docx" => Ok(Format::Docx),
            "html" => Ok(Format::Html),
            "md" => Ok(Format::Md),
            "term" | "txt" => Ok(Format::Term),
            "json" => Ok(Format::Json),
            other => Err(Error::field(
                "format",
                format!("unknown format `{other}`: expected akn, docx, html, md, term or json"),
            )),
        }
    }
}

/// A made file: its bytes, media type and file name.
pub struct File {
    bytes: Vec<u8>,
    media_type: &'static str,
    file_name: String,
}

impl File {
    /// A file of `bytes` with its media type and the name it is downloaded as.
    pub fn new(bytes: Vec<u8>, media_type: &'static str, file_name: String) -> File {
        File { bytes, media_type, file_name }
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl IntoResponse for File {
    fn into_response(self) -> Response {
        (
            [
                (header::CONTENT_TYPE, self.media_type.to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", self.file_name)),
            ],
            self.bytes,
        )
            .into_response()
    }
}

/// The media type of a Word file.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A revision as a file.
///
/// # Errors
/// [`Error::Unprocessable`] for a format a revision does not come in; [`Error::NotFound`] for an unknown
/// revision.
pub async fn revision_file(store: &Store, revision: &RevisionRef, format: Format) -> Result<File, Error> {
    let file_stem =
        |revision: &Revision| format!("{}-{}", revision.summary.draft_id, revision.summary.number);
    match format {
        Format::Akn => {
            let summary = store.revision_summary(revision).await?;
            Ok(File {
                bytes: store.revision_akn(revision).await?.into_bytes(),
                media_type: "application/akn+xml",
                file_name: format!("{}-{}.akn.xml", summary.draft_id, summary.number),
            })
        }
        Format::Docx => {
            let revision = store.revision(revision).await?;
            let bytes = accord_docx::revision_docx(&revision.document)
                .map_err(|error| Error::Internal(error.to_string()))?;
            Ok(File { bytes, media_type: DOCX, file_name: format!("{}.docx", file_stem(&revision)) })
        }
        Format::Html => {
            let revision = store.revision(revision).await?;
            let html = crate::render::revision_html(&revision.document)?;
            Ok(File {
                bytes: html.into_bytes(),
                media_type: "text/html; charset=utf-8",
                file_name: format!("{}.html", file_stem(&revision)),
            })
        }
        Format::Md => {
            let revision = store.revision(revision).await?;
            Ok(File {
                bytes: accord_text::markdown::to_markdown(&revision.document).into_bytes(),
                media_type: "text/markdown; charset=utf-8",
                file_name: format!("{}.md", file_stem(&revision)),
            })
        }
        Format::Term | Format::Json => {
            Err(Error::field("format", "a revision comes as akn, docx, html or md"))
        }
    }
}

/// Two revisions of one draft and the redline between them.
pub struct Compared {
    /// The older side.
    pub old: Revision,
    /// The newer side.
    pub new: Revision,
    /// The redline from `old` to `new`.
    pub redline: Redline,
    /// Which amendment made each change, when `new` was made from the picks of a round on `old` (its
    /// number one above); `None` for any other pair.
    pub provenance: Option<Provenance>,
}

/// Loads two revisions and computes their redline.
///
/// # Errors
/// [`Error::Unprocessable`] when the revisions belong to different drafts; [`Error::NotFound`] for an
/// unknown draft or revision.
pub async fn compare(store: &Store, from: &RevisionRef, to: &RevisionRef) -> Result<Compared, Error> {
    if from.draft_id != to.draft_id {
        return Err(Error::field(
            "to",
            format!(
                "a redline compares revisions of one draft; `{from}` is of draft `{}` and `{to}` of draft `{}`",
                from.draft_id, to.draft_id
            ),
        ));
    }
    let old = store.revision(from).await?;
    let new = store.revision(to).await?;
    let redline = redline::redline(&old.document, &new.document);
    let provenance = match new.summary.number == old.summary.number + 1 {
        true => Some(store.revision_provenance(&new.summary.draft_id, new.summary.number).await?)
            .filter(|provenance| !provenance.origins().is_empty()),
        false => None,
    };
    Ok(Compared { old, new, redline, provenance })
}

/// A redline as a file.
///
/// # Errors
/// [`Error::Unprocessable`] for a format a redline does not come in.
pub fn redline_file(compared: &Compared, format: Format, author: &str) -> Result<File, Error> {
    let Compared { old, new, redline, provenance } = compared;
    let origins = provenance.as_ref().map(|provenance| provenance as &dyn Origins);
    let stem = format!("{}-{}-to-{}", new.summary.draft_id, old.summary.number, new.summary.number);
    match format {
        Format::Akn => {
            let xml = match origins {
                Some(origins) => redline::to_akn_with_origins(&old.document, &new.document, redline, origins),
                None => redline::to_akn(&old.document, &new.document, redline),
            };
            Ok(File {
                bytes: xml.into_bytes(),
                media_type: "application/akn+xml",
                file_name: format!("{stem}.akn.xml"),
            })
        }
        Format::Docx => {
            let date = time::OffsetDateTime::new_utc(new.summary.date, time::Time::MIDNIGHT);
            let bytes = match origins {
                Some(origins) => accord_docx::redline_docx_with_origins(
                    &old.document,
                    &new.document,
                    redline,
                    author,
                    date,
                    origins,
                ),
                None => accord_docx::redline_docx(&old.document, &new.document, redline, author, date),
            }
            .map_err(|error| Error::Internal(error.to_string()))?;
            Ok(File { bytes, media_type: DOCX, file_name: format!("{stem}.docx") })
        }
        Format::Html => Ok(File {
            bytes: crate::render::redline_html(&old.document, &new.document, redline, provenance.as_ref())?
                .into_bytes(),
            media_type: "text/html; charset=utf-8",
            file_name: format!("{stem}.html"),
        }),
        Format::Term => Ok(File {
            bytes: redline::render_term_with_origins(redline, false, origins).into_bytes(),
            media_type: "text/plain; charset=utf-8",
            file_name: format!("{stem}.txt"),
        }),
        Format::Md | Format::Json => {
            Err(Error::field("format", "a redline file comes as akn, docx, html or term"))
        }
    }
}

/// Parses the `{number}` of a path (`0`, `1` …, `latest`) into a revision of `draft_id`.
///
/// # Errors
/// [`Error::NotFound`] when the number is not a revision number.
pub fn revision_ref(draft_id: &str, number: &str) -> Result<RevisionRef, Error> {
    format!("{draft_id}/{number}")
        .parse()
        .map_err(|error: accord_store::revision::RevisionRefError| Error::NotFound(error.to_string()))
}
