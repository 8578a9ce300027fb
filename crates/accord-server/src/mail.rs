//! E-mail that accord writes (invitations, password-reset links). Every message goes first to the store's outbox
//! (`outbox` table), where `accord outbox` and `GET /api/outbox` (secretariat) read it: in development and in
//! tests, that is the mailbox. When an SMTP server is configured (`accord serve --smtp-url`, [`Smtp`]), each
//! message is also handed to it in the background and its outbox row marked sent; a delivery that fails is
//! logged and the row stays unsent.

use crate::error::Error;
use crate::AppState;
use accord_store::account::OutboxEmail;
use accord_store::Email;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Why an SMTP configuration is refused.
#[derive(Debug, thiserror::Error)]
pub enum SmtpConfigError {
    /// The URL is not `smtp://[user:password@]host[:port]` or `smtps://…`.
    #[error("expected an SMTP URL such as smtp://user:password@host:587, found `{url}`: {detail}")]
    Url {
        /// The URL, with its password hidden.
        url: String,
        /// What lettre said.
        detail: String,
    },
    /// The sender is not an address such as `accord <accord@example.org>`.
    #[error("expected a sender such as `accord <accord@example.org>`, found `{0}`")]
    From(String),
}

/// An SMTP server to deliver through, and the sender of every message.
#[derive(Clone)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Smtp").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl Smtp {
    /// An SMTP server from its URL (lettre's syntax: `smtp://host:25` plain, `smtp://host:587?tls=required`
    /// STARTTLS, `smtps://host:465` TLS; user and password in the URL) and the sender.
    ///
    /// # Errors
    /// [`SmtpConfigError`] for a URL or sender that does not parse.
    pub fn new(url: &str, from: &str) -> Result<Smtp, SmtpConfigError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|error| SmtpConfigError::Url { url: without_password(url), detail: error.to_string() })?
            .build();
        let from = from.parse().map_err(|_| SmtpConfigError::From(from.to_owned()))?;
        Ok(Smtp { transport, from })
    }

    async fn deliver(&self, email: &OutboxEmail) -> Result<(), String> {
        let to: Mailbox = email.recipient.as_str().parse().map_err(|error| format!("recipient: {error}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(email.body.clone())
            .map_err(|error| format!("message: {error}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|error| error.to_string())
    }
}

/// `url` with the password of its user part replaced by `***`, for messages and logs.
fn without_password(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, rest)), Some(_)) => match rest.split_once('@') {
            Some((user_part, host)) => {
                let user = user_part.split(':').next().unwrap_or_default();
                format!("{scheme}://{user}:***@{host}")
            }
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

/// Writes a plain-text message to `recipient` into the outbox and, when SMTP is configured, delivers it in the
/// background.
///
/// # Errors
/// [`Error::Internal`] when the store fails.
pub async fn send(
    state: &AppState,
    recipient: &Email,
    subject: &str,
    body: &str,
) -> Result<OutboxEmail, Error> {
    let email = state.store.queue_email(recipient, subject, body).await?;
    tracing::info!(outbox_id = email.outbox_id, to = %recipient.masked(), subject, "e-mail written to the outbox");
    if let Some(smtp) = state.auth.smtp.clone() {
        let store = state.store.clone();
        let queued = email.clone();
        tokio::spawn(async move {
            match smtp.deliver(&queued).await {
                Ok(()) => {
                    if let Err(error) = store.mark_email_sent(queued.outbox_id).await {
                        tracing::error!(outbox_id = queued.outbox_id, %error, "e-mail sent but not marked sent");
                    } else {
                        tracing::info!(outbox_id = queued.outbox_id, "e-mail handed to the SMTP server");
                    }
                }
                Err(error) => tracing::error!(outbox_id = queued.outbox_id, %error, "SMTP delivery failed"),
            }
        });
    }
    Ok(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_an_smtp_url_is_hidden() {
        assert_eq!(without_password("smtp://mail:secret@example.org:587"), "smtp://mail:***@example.org:587");
        assert_eq!(without_password("smtp://example.org:25"), "smtp://example.org:25");
    }

    #[test]
    fn a_bad_sender_is_refused_naming_it() {
        let error = Smtp::new("smtp://127.0.0.1:2525", "not an address").unwrap_err();
        assert_eq!(
            error.to_string(),
            "expected a sender such as `accord <accord@example.org>`, found `not an address`"
        );
    }
}
