//! E-mail that accord writes (invitations, password-reset links). Every message goes to the store's outbox
//! (`outbox` table), where `accord outbox` and `GET /api/outbox` (secretariat) read it: in development and in
//! tests, that is the mailbox. Delivery through SMTP (`--smtp-url`) is not built yet; a sender would read unsent
//! rows of the outbox and mark each sent, so that this module stays the one place that writes mail.

use crate::error::Error;
use accord_store::account::OutboxEmail;
use accord_store::{Email, Store};

/// Writes a plain-text message to `recipient` into the outbox.
///
/// # Errors
/// [`Error::Internal`] when the store fails.
pub async fn send(store: &Store, recipient: &Email, subject: &str, body: &str) -> Result<OutboxEmail, Error> {
    let email = store.queue_email(recipient, subject, body).await?;
    tracing::info!(outbox_id = email.outbox_id, to = %recipient.masked(), subject, "e-mail written to the outbox");
    Ok(email)
}
