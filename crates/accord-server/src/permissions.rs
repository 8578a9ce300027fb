//! Who may do what: the ONE table of roles × actions. Every route names its [`Action`] in
//! [`crate::routes::routes`], and the guard in [`crate::auth`] checks the viewer's roles against [`allowed`]
//! before the handler runs; the page `/permissions` renders this table, and the route-walking test compares
//! every route's answer for every role with it.
//!
//! A role holds within a process: the secretariat of one process is a resident in another. A handler that needs
//! more than a role (the head of *this* party's delegation, say) checks that too, after the table.

/// A role, from the least to the most trusted. A person may hold several; an action is allowed when one of
/// them allows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Not signed in.
    Anonymous,
    /// Signed in, with no role in the process: a resident taking part in consultations.
    Resident,
    /// A member of the delegation of a party accredited to the track as a participant.
    DelegateParticipant,
    /// A member of the delegation of a party accredited to the track as an observer.
    DelegateObserver,
    /// A co-facilitator of the track.
    CoFacilitator,
    /// The secretariat of the process.
    Secretariat,
}

impl Role {
    /// Every role, in the order of the table's columns.
    pub const ALL: [Role; 6] = [
        Role::Anonymous,
        Role::Resident,
        Role::DelegateParticipant,
        Role::DelegateObserver,
        Role::CoFacilitator,
        Role::Secretariat,
    ];

    /// The role's name in the table and the API.
    pub fn label(self) -> &'static str {
        match self {
            Role::Anonymous => "anonymous",
            Role::Resident => "resident",
            Role::DelegateParticipant => "delegate (participant)",
            Role::DelegateObserver => "delegate (observer)",
            Role::CoFacilitator => "co-facilitator",
            Role::Secretariat => "secretariat",
        }
    }

    fn column(self) -> usize {
        self as usize
    }
}

/// Something a route does, as the table knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Read drafts, revisions, paragraphs, redlines and their downloads.
    ReadText,
    /// Read the party registry, the permissions table and other public lists.
    ReadRegistry,
    /// Sign in, accept an invitation, ask for and use a password-reset link.
    SignIn,
    /// See one's account, make and revoke API tokens, sign out.
    ManageTokens,
    /// Ask for a party's accreditation to a track.
    RequestAccreditation,
    /// Grant, grant as observer or refuse an accreditation.
    DecideAccreditation,
    /// Appeal a refusal, once (the head of the refused party's delegation).
    Appeal,
    /// Withdraw a party from a track (the head of its delegation).
    Withdraw,
    /// Add and remove members of a delegation (its head).
    ManageDelegation,
    /// Publish a new revision of a draft.
    PublishRevision,
    /// Invite someone by e-mail to a delegation or a process role.
    InviteDelegate,
    /// Load the demonstration process. On a database with no process at all anyone may, so that a fresh
    /// install can show itself; the handler makes that one exception.
    LoadDemo,
    /// Read the e-mail outbox.
    ViewOutbox,
    /// Add parties to the registry: a city from the gazetteer, a CSV import.
    ManageRegistry,
    /// Read resident consultations, their statements, results and openData files.
    ReadConsultation,
    /// Vote and submit statements in a consultation: anyone, counted once by cookie or account.
    VoteInConsultation,
    /// Open a consultation on a track (the secretariat, or the delegation of a city at the table; the handler
    /// checks that the party is a city).
    OpenConsultation,
    /// Moderate a consultation's statements and close it (its opener or the secretariat; the handler checks).
    ModerateStatements,
    /// Import a Pol.is openData conversation as a consultation.
    ImportConsultation,
    /// Write, table, revise and withdraw an amendment (a delegation of a participant party, for its party;
    /// the handler checks the sponsor's delegation).
    TableAmendment,
    /// Join or leave an amendment as co-sponsor (a delegation of a participant party, for its party).
    CoSponsor,
    /// Pick tabled amendments for the next revision, with bridging text, once the round's deadline passed.
    PickAmendments,
    /// Import amendments from a CSV file, all rows or none.
    ImportAmendments,
    /// Open a track's next round with its deadline, and set the least number of co-sponsors an amendment
    /// needs to be tabled in the track.
    ManageRounds,
    /// Take, change or withdraw the party's position on an amendment or a paragraph (a delegation of a
    /// participant party, for its party; experts may not: the handler checks).
    TakePosition,
    /// Adopt paragraphs of a revision, or every paragraph that is not bracketed.
    AdoptParagraphs,
}

/// One row of the table: an action, what it means, and for each role of [`Role::ALL`] whether it may.
#[derive(Debug, Clone, Copy)]
pub struct Permission {
    /// The action.
    pub action: Action,
    /// What it means, for the `/permissions` page.
    pub description: &'static str,
    /// Allowed for each role, in the order of [`Role::ALL`].
    pub allowed: [bool; 6],
}

const Y: bool = true;
const N: bool = false;

/// The table. Columns: anonymous, resident, delegate (participant), delegate (observer), co-facilitator,
/// secretariat.
#[rustfmt::skip]
pub const TABLE: &[Permission] = &[
    Permission { action: Action::ReadText, description: "read drafts, revisions, redlines and downloads",
        allowed: [Y, Y, Y, Y, Y, Y] },
    Permission { action: Action::ReadRegistry, description: "read the party registry and this table",
        allowed: [Y, Y, Y, Y, Y, Y] },
    Permission { action: Action::SignIn, description: "sign in, accept an invitation, reset a password",
        allowed: [Y, Y, Y, Y, Y, Y] },
    Permission { action: Action::ManageTokens, description: "see one's account, make and revoke API tokens, sign out",
        allowed: [N, Y, Y, Y, Y, Y] },
    Permission { action: Action::RequestAccreditation, description: "ask for a party's accreditation to a track",
        allowed: [N, Y, Y, Y, N, N] },
    Permission { action: Action::DecideAccreditation, description: "grant, grant as observer or refuse accreditation",
        allowed: [N, N, N, N, N, Y] },
    Permission { action: Action::Appeal, description: "appeal a refusal once (head of the party's delegation)",
        allowed: [N, Y, Y, Y, N, N] },
    Permission { action: Action::Withdraw, description: "withdraw a party from a track (head of its delegation)",
        allowed: [N, N, Y, Y, N, N] },
    Permission { action: Action::ManageDelegation, description: "add and remove delegation members (its head)",
        allowed: [N, N, Y, Y, N, N] },
    Permission { action: Action::PublishRevision, description: "publish a new revision of a draft",
        allowed: [N, N, N, N, Y, Y] },
    Permission { action: Action::InviteDelegate, description: "invite someone by e-mail to a delegation or role",
        allowed: [N, N, Y, Y, N, Y] },
    Permission { action: Action::LoadDemo, description: "load the demonstration (anyone while there is no process)",
        allowed: [N, N, N, N, N, Y] },
    Permission { action: Action::ViewOutbox, description: "read the e-mail outbox",
        allowed: [N, N, N, N, N, Y] },
    Permission { action: Action::ManageRegistry, description: "add parties: a city from the gazetteer, a CSV import",
        allowed: [N, N, N, N, N, Y] },
    Permission { action: Action::ReadConsultation, description: "read consultations, their results and openData files",
        allowed: [Y, Y, Y, Y, Y, Y] },
    Permission { action: Action::VoteInConsultation, description: "vote and submit statements in a consultation",
        allowed: [Y, Y, Y, Y, Y, Y] },
    Permission { action: Action::OpenConsultation, description: "open a consultation (a city's delegation, the secretariat)",
        allowed: [N, N, Y, N, N, Y] },
    Permission { action: Action::ModerateStatements, description: "moderate statements and close a consultation (its opener)",
        allowed: [N, N, Y, Y, N, Y] },
    Permission { action: Action::ImportConsultation, description: "import a Pol.is openData conversation",
        allowed: [N, N, N, N, N, Y] },
    Permission { action: Action::TableAmendment, description: "write, table, revise and withdraw amendments (for one's party)",
        allowed: [N, N, Y, N, N, N] },
    Permission { action: Action::CoSponsor, description: "join or leave an amendment as co-sponsor (for one's party)",
        allowed: [N, N, Y, N, N, N] },
    Permission { action: Action::PickAmendments, description: "pick tabled amendments for the next revision, with bridging text",
        allowed: [N, N, N, N, Y, Y] },
    Permission { action: Action::ImportAmendments, description: "import amendments from a CSV file",
        allowed: [N, N, N, N, N, Y] },
    Permission { action: Action::ManageRounds, description: "open a track's rounds and set the least number of co-sponsors",
        allowed: [N, N, N, N, N, Y] },
    Permission { action: Action::TakePosition, description: "take, change or withdraw the party's position on an amendment or a paragraph",
        allowed: [N, N, Y, N, N, N] },
    Permission { action: Action::AdoptParagraphs, description: "adopt paragraphs of a revision",
        allowed: [N, N, N, N, Y, Y] },
];

/// Whether `role` may take `action`, by [`TABLE`]. An action missing from the table is allowed to no one.
pub fn allowed(role: Role, action: Action) -> bool {
    TABLE
        .iter()
        .find(|permission| permission.action == action)
        .is_some_and(|permission| permission.allowed[role.column()])
}

/// Whether one of `roles` may take `action`.
pub fn any_allowed(roles: &[Role], action: Action) -> bool {
    roles.iter().any(|&role| allowed(role, action))
}

/// The table as Markdown, for `docs/auth.md` (a test keeps the document equal to this).
pub fn markdown_table() -> String {
    let mut markdown = String::from("| action | what it is |");
    for role in Role::ALL {
        markdown.push_str(&format!(" {} |", role.label()));
    }
    markdown.push_str("\n|---|---|");
    markdown.push_str(&"---|".repeat(Role::ALL.len()));
    markdown.push('\n');
    for permission in TABLE {
        let action = serde_json::to_value(permission.action)
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default();
        markdown.push_str(&format!("| `{action}` | {} |", permission.description));
        for allowed in permission.allowed {
            markdown.push_str(if allowed { " yes |" } else { " no |" });
        }
        markdown.push('\n');
    }
    markdown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_exactly_one_row() {
        let every_action = [
            Action::ReadText,
            Action::ReadRegistry,
            Action::SignIn,
            Action::ManageTokens,
            Action::RequestAccreditation,
            Action::DecideAccreditation,
            Action::Appeal,
            Action::Withdraw,
            Action::ManageDelegation,
            Action::PublishRevision,
            Action::InviteDelegate,
            Action::LoadDemo,
            Action::ViewOutbox,
            Action::ManageRegistry,
            Action::ReadConsultation,
            Action::VoteInConsultation,
            Action::OpenConsultation,
            Action::ModerateStatements,
            Action::ImportConsultation,
            Action::TableAmendment,
            Action::CoSponsor,
            Action::PickAmendments,
            Action::ImportAmendments,
            Action::ManageRounds,
            Action::TakePosition,
            Action::AdoptParagraphs,
        ];
        for action in every_action {
            let n_rows = TABLE.iter().filter(|permission| permission.action == action).count();
            assert_eq!(n_rows, 1, "{action:?}");
        }
        assert_eq!(TABLE.len(), every_action.len());
    }

    #[test]
    fn the_columns_follow_the_order_of_the_roles() {
        for (column, role) in Role::ALL.into_iter().enumerate() {
            assert_eq!(role.column(), column, "{role:?}");
        }
    }

    #[test]
    fn only_the_secretariat_decides_accreditation_and_reads_the_outbox() {
        for role in Role::ALL {
            assert_eq!(allowed(role, Action::DecideAccreditation), role == Role::Secretariat, "{role:?}");
            assert_eq!(allowed(role, Action::ViewOutbox), role == Role::Secretariat, "{role:?}");
        }
    }

    #[test]
    fn anonymous_visitors_may_read_sign_in_and_take_part_in_consultations_and_nothing_else() {
        for permission in TABLE {
            let may = allowed(Role::Anonymous, permission.action);
            let reads_or_signs_in = matches!(
                permission.action,
                Action::ReadText
                    | Action::ReadRegistry
                    | Action::SignIn
                    | Action::ReadConsultation
                    | Action::VoteInConsultation
            );
            assert_eq!(may, reads_or_signs_in, "{:?}", permission.action);
        }
    }
}
