//! The web pages, rendered on the server with askama and usable without JavaScript: the processes, a
//! process, a draft's revision history, a revision's full text, one paragraph across revisions, and the
//! redline between two revisions chosen in a form. Downloads of each revision and redline. Amendments: a
//! round's compilation text, one amendment with its forms, the propose form and the co-facilitators' picks.
//! Signing in and out, the account with its API tokens, invitations and password resets by e-mail link, and
//! the permissions table.

mod account;
pub(crate) mod accreditation;
pub(crate) mod amendment;
pub(crate) mod consultation;
mod draft;
mod home;
mod invitation;
mod parties;
pub(crate) mod positions;
mod record;
pub(crate) mod redline;
mod revision;

use crate::permissions::Action;
use crate::routes::Route;

pub use home::ErrorPage;

/// The routes of the pages, each with the action the permission table checks (see [`crate::routes`]).
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/", Action::ReadText, home::processes),
        Route::post("/demo", Action::LoadDemo, home::load_demo),
        Route::get("/processes/{process_id}", Action::ReadText, home::process),
        Route::get("/drafts/{draft_id}", Action::ReadText, draft::history),
        Route::get("/drafts/{draft_id}/revisions/{number}", Action::ReadText, revision::full_text),
        Route::get(
            "/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}",
            Action::ReadText,
            revision::paragraph,
        ),
        Route::get(
            "/drafts/{draft_id}/revisions/{number}/export/{format}",
            Action::ReadText,
            revision::export,
        ),
        Route::get(
            "/drafts/{draft_id}/revisions/{number}/compilation",
            Action::ReadText,
            amendment::compilation,
        ),
        Route::get(
            "/drafts/{draft_id}/revisions/{number}/compilation/export/{format}",
            Action::ReadText,
            amendment::compilation_export,
        ),
        Route::get(
            "/drafts/{draft_id}/revisions/{number}/amendments/new",
            Action::TableAmendment,
            amendment::new_form,
        ),
        Route::post(
            "/drafts/{draft_id}/revisions/{number}/amendments",
            Action::TableAmendment,
            amendment::create,
        ),
        Route::get("/drafts/{draft_id}/revisions/{number}/picks", Action::PickAmendments, amendment::picks),
        Route::post(
            "/drafts/{draft_id}/revisions/{number}/picks/publish",
            Action::PublishRevision,
            amendment::publish,
        ),
        Route::get("/amendments/{amendment_id}", Action::ReadText, amendment::page),
        Route::post("/amendments/{amendment_id}/table", Action::TableAmendment, amendment::table),
        Route::post("/amendments/{amendment_id}/revise", Action::TableAmendment, amendment::revise),
        Route::post("/amendments/{amendment_id}/withdraw", Action::TableAmendment, amendment::withdraw),
        Route::post("/amendments/{amendment_id}/co-sponsors", Action::CoSponsor, amendment::join),
        Route::post("/amendments/{amendment_id}/co-sponsors/leave", Action::CoSponsor, amendment::leave),
        Route::post("/amendments/{amendment_id}/pick", Action::PickAmendments, amendment::pick),
        Route::post("/amendments/{amendment_id}/unpick", Action::PickAmendments, amendment::unpick),
        Route::get("/drafts/{draft_id}/redline", Action::ReadText, redline::page),
        Route::get("/drafts/{draft_id}/redline/export/{format}", Action::ReadText, redline::export),
        Route::get("/permissions", Action::ReadRegistry, account::permissions),
        Route::get("/record", Action::ReadRegistry, record::page),
        Route::get("/parties", Action::ReadRegistry, parties::list),
        Route::get("/processes/{process_id}/registry", Action::ReadRegistry, accreditation::registry),
        Route::get(
            "/processes/{process_id}/parties/{party_id}",
            Action::ReadRegistry,
            accreditation::delegation,
        ),
        Route::post(
            "/processes/{process_id}/parties/{party_id}/invitations",
            Action::InviteDelegate,
            accreditation::invite,
        ),
        Route::get("/tracks/{track_id}", Action::ReadRegistry, accreditation::track),
        Route::post("/tracks/{track_id}/rounds", Action::ManageRounds, accreditation::open_round),
        Route::post(
            "/tracks/{track_id}/min-co-sponsors",
            Action::ManageRounds,
            accreditation::set_min_co_sponsors,
        ),
        Route::post(
            "/tracks/{track_id}/accreditations",
            Action::RequestAccreditation,
            accreditation::request,
        ),
        Route::get(
            "/tracks/{track_id}/accreditations/{party_id}",
            Action::ReadRegistry,
            accreditation::accreditation,
        ),
        Route::post(
            "/tracks/{track_id}/accreditations/{party_id}/decision",
            Action::DecideAccreditation,
            accreditation::decide,
        ),
        Route::post(
            "/tracks/{track_id}/accreditations/{party_id}/appeal",
            Action::Appeal,
            accreditation::appeal,
        ),
        Route::get(
            "/tracks/{track_id}/accreditations/{party_id}/documents/{name}",
            Action::ReadRegistry,
            accreditation::document,
        ),
        Route::post(
            "/tracks/{track_id}/accreditations/{party_id}/withdraw",
            Action::Withdraw,
            accreditation::withdraw,
        ),
        Route::get("/tracks/{track_id}/consultations", Action::ReadConsultation, consultation::list),
        Route::post("/tracks/{track_id}/consultations", Action::OpenConsultation, consultation::open),
        Route::get("/consultations/{consultation_id}", Action::ReadConsultation, consultation::page),
        Route::post("/consultations/{consultation_id}/votes", Action::VoteInConsultation, consultation::vote),
        Route::post(
            "/consultations/{consultation_id}/statements",
            Action::VoteInConsultation,
            consultation::submit,
        ),
        Route::get(
            "/consultations/{consultation_id}/moderation",
            Action::ModerateStatements,
            consultation::moderation,
        ),
        Route::post(
            "/consultations/{consultation_id}/statements/{statement_id}/moderation",
            Action::ModerateStatements,
            consultation::moderate,
        ),
        Route::post(
            "/consultations/{consultation_id}/close",
            Action::ModerateStatements,
            consultation::close,
        ),
        Route::get(
            "/consultations/{consultation_id}/results",
            Action::ReadConsultation,
            consultation::results_page,
        ),
        Route::get(
            "/consultations/{consultation_id}/export/{file}",
            Action::ReadConsultation,
            consultation::export,
        ),
        Route::get("/tracks/{track_id}/consensus", Action::ReadText, positions::consensus),
        Route::get("/amendments/{amendment_id}/positions", Action::ReadText, positions::amendment),
        Route::post(
            "/amendments/{amendment_id}/positions",
            Action::TakePosition,
            positions::take_on_amendment,
        ),
        Route::get(
            "/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}/positions",
            Action::ReadText,
            positions::paragraph,
        ),
        Route::post(
            "/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}/positions",
            Action::TakePosition,
            positions::take_on_paragraph,
        ),
        Route::post(
            "/drafts/{draft_id}/revisions/{number}/adoptions",
            Action::AdoptParagraphs,
            positions::adopt,
        ),
        Route::get("/parties/{party_id}", Action::ReadRegistry, parties::one),
        Route::get("/cities", Action::ReadRegistry, parties::cities),
        Route::post("/cities/{geonames_id}/party", Action::ManageRegistry, parties::city_party),
        Route::get("/sign-in", Action::SignIn, account::sign_in_form),
        Route::post("/sign-in", Action::SignIn, account::sign_in),
        Route::post("/sign-out", Action::ManageTokens, account::sign_out),
        Route::get("/account", Action::ManageTokens, account::account),
        Route::post("/account/tokens", Action::ManageTokens, account::create_token),
        Route::post("/account/tokens/{api_token_id}/revoke", Action::ManageTokens, account::revoke_token),
        Route::get("/invitations/{token}", Action::SignIn, invitation::invitation),
        Route::post("/invitations/{token}", Action::SignIn, invitation::accept),
        Route::get("/password-reset", Action::SignIn, invitation::reset_ask_form),
        Route::post("/password-reset", Action::SignIn, invitation::reset_ask),
        Route::get("/password-reset/{token}", Action::SignIn, invitation::reset_form),
        Route::post("/password-reset/{token}", Action::SignIn, invitation::reset),
    ]
}

/// An askama template answered as an HTML page.
fn html(template: &impl askama::Template) -> Result<axum::response::Html<String>, crate::error::PageError> {
    Ok(axum::response::Html(template.render().map_err(crate::Error::from)?))
}
