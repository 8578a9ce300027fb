//! The JSON API under `/api`, described by the OpenAPI document at `/api/openapi.json` (made by utoipa from
//! the handlers' annotations, so that it cannot drift from the routes). One module per resource:
//! [`processes`], [`drafts`] (drafts, revisions, paragraphs, exports) and [`redline`].

pub mod account;
pub mod accreditation;
pub mod amendments; // amendments, the compilation text, picks and the next revision, CSV import
pub mod consultation; // resident consultations: statements, votes, results, openData export and import
pub mod drafts;
pub mod parties;
pub mod positions; // positions on amendments and paragraphs, paragraph statuses, adoptions, the consensus dashboard
pub mod processes;
pub mod record; // the record as JSON lines, and its check
pub mod redline;
pub mod rounds; // a track's rounds and least number of co-sponsors
pub mod types;

use crate::error::ErrorBody;
use crate::permissions::Action;
use crate::routes::Route;
use axum::Json;
use utoipa::OpenApi;

/// The OpenAPI 3.1 description of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "accord",
        description = "The negotiation workspace's JSON API: processes, tracks, drafts, revisions, paragraphs and \
                       redlines. Errors answer `{status, message, field?}`."
    ),
    paths(
        processes::list,
        processes::one,
        drafts::one,
        drafts::revisions,
        drafts::add_revision,
        drafts::revision,
        drafts::paragraph,
        drafts::export,
        redline::redline,
        record::export,
        record::verify,
        parties::list,
        parties::one,
        parties::cities,
        parties::city_party,
        parties::import,
        accreditation::list,
        accreditation::one,
        accreditation::request,
        accreditation::decide,
        accreditation::appeal,
        accreditation::withdraw,
        accreditation::document,
        consultation::list,
        consultation::open,
        consultation::import,
        consultation::one,
        consultation::next,
        consultation::vote,
        consultation::submit,
        consultation::moderate,
        consultation::close,
        consultation::results_json,
        consultation::export,
        positions::amendment_positions,
        positions::take_on_amendment,
        positions::withdraw_on_amendment,
        positions::paragraph_positions,
        positions::take_on_paragraph,
        positions::withdraw_on_paragraph,
        positions::statuses,
        positions::adopt,
        positions::consensus,
        amendments::list,
        amendments::one,
        amendments::create,
        amendments::table,
        amendments::revise,
        amendments::withdraw,
        amendments::join,
        amendments::leave,
        amendments::pick,
        amendments::unpick,
        amendments::compilation,
        amendments::preview,
        amendments::publish,
        amendments::import,
        rounds::list,
        rounds::open,
        rounds::set_min_co_sponsors,
        account::me,
        account::outbox,
        account::invite,
    ),
    components(schemas(ErrorBody, crate::export::Format)),
    modifiers(&BearerAuth),
    tags((name = "text", description = "The compact's text: drafts, revisions and redlines"),
         (name = "amendments", description = "Amendments tabled in rounds, the compilation text, co-facilitators' picks and the next revision"),
         (name = "accounts", description = "Who is signed in, invitations and the e-mail outbox"),
         (name = "parties", description = "The party registry and the gazetteer of cities (GeoNames, CC BY 4.0)"),
         (name = "consultations", description = "Resident consultations run as Pol.is runs them: statements, votes, opinion groups, openData"),
         (name = "positions", description = "Positions of the parties on amendments and paragraphs, paragraph status, opinion groups of parties"),
         (name = "record", description = "The record: the hash-chained log of every change of state"))
)]
pub struct ApiDoc;

/// Declares the `bearer` security scheme: `Authorization: Bearer <API token>`, tokens made on `/account`.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API's routes, each with the action the permission table checks (see [`crate::routes`]).
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/tracks/{track_id}/accreditations", Action::ReadRegistry, accreditation::list),
        Route::post(
            "/api/tracks/{track_id}/accreditations",
            Action::RequestAccreditation,
            accreditation::request,
        ),
        Route::get(
            "/api/tracks/{track_id}/accreditations/{party_id}",
            Action::ReadRegistry,
            accreditation::one,
        ),
        Route::post(
            "/api/tracks/{track_id}/accreditations/{party_id}/decision",
            Action::DecideAccreditation,
            accreditation::decide,
        ),
        Route::post(
            "/api/tracks/{track_id}/accreditations/{party_id}/appeal",
            Action::Appeal,
            accreditation::appeal,
        ),
        Route::post(
            "/api/tracks/{track_id}/accreditations/{party_id}/withdraw",
            Action::Withdraw,
            accreditation::withdraw,
        ),
        Route::get(
            "/api/tracks/{track_id}/accreditations/{party_id}/documents/{name}",
            Action::ReadRegistry,
            accreditation::document,
        ),
        Route::get("/api/tracks/{track_id}/consultations", Action::ReadConsultation, consultation::list),
        Route::post("/api/tracks/{track_id}/consultations", Action::OpenConsultation, consultation::open),
        Route::post(
            "/api/tracks/{track_id}/consultations/import",
            Action::ImportConsultation,
            consultation::import,
        ),
        Route::get("/api/consultations/{consultation_id}", Action::ReadConsultation, consultation::one),
        Route::get("/api/consultations/{consultation_id}/next", Action::ReadConsultation, consultation::next),
        Route::post(
            "/api/consultations/{consultation_id}/votes",
            Action::VoteInConsultation,
            consultation::vote,
        ),
        Route::post(
            "/api/consultations/{consultation_id}/statements",
            Action::VoteInConsultation,
            consultation::submit,
        ),
        Route::post(
            "/api/consultations/{consultation_id}/statements/{statement_id}/moderation",
            Action::ModerateStatements,
            consultation::moderate,
        ),
        Route::post(
            "/api/consultations/{consultation_id}/close",
            Action::ModerateStatements,
            consultation::close,
        ),
        Route::get(
            "/api/consultations/{consultation_id}/results",
            Action::ReadConsultation,
            consultation::results_json,
        ),
        Route::get(
            "/api/consultations/{consultation_id}/export/{file}",
            Action::ReadConsultation,
            consultation::export,
        ),
        Route::get(
            "/api/amendments/{amendment_id}/positions",
            Action::ReadText,
            positions::amendment_positions,
        ),
        Route::post(
            "/api/amendments/{amendment_id}/positions",
            Action::TakePosition,
            positions::take_on_amendment,
        ),
        Route::post(
            "/api/amendments/{amendment_id}/positions/withdraw",
            Action::TakePosition,
            positions::withdraw_on_amendment,
        ),
        Route::get(
            "/api/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}/positions",
            Action::ReadText,
            positions::paragraph_positions,
        ),
        Route::post(
            "/api/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}/positions",
            Action::TakePosition,
            positions::take_on_paragraph,
        ),
        Route::post(
            "/api/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}/positions/withdraw",
            Action::TakePosition,
            positions::withdraw_on_paragraph,
        ),
        Route::get(
            "/api/drafts/{draft_id}/revisions/{number}/statuses",
            Action::ReadText,
            positions::statuses,
        ),
        Route::post(
            "/api/drafts/{draft_id}/revisions/{number}/adoptions",
            Action::AdoptParagraphs,
            positions::adopt,
        ),
        Route::get("/api/tracks/{track_id}/consensus", Action::ReadText, positions::consensus),
        Route::get("/api/amendments", Action::ReadText, amendments::list),
        Route::post("/api/amendments/import", Action::ImportAmendments, amendments::import),
        Route::get("/api/tracks/{track_id}/rounds", Action::ReadRegistry, rounds::list),
        Route::post("/api/tracks/{track_id}/rounds", Action::ManageRounds, rounds::open),
        Route::post(
            "/api/tracks/{track_id}/min-co-sponsors",
            Action::ManageRounds,
            rounds::set_min_co_sponsors,
        ),
        Route::get("/api/amendments/{amendment_id}", Action::ReadText, amendments::one),
        Route::post("/api/amendments/{amendment_id}/table", Action::TableAmendment, amendments::table),
        Route::post("/api/amendments/{amendment_id}/revise", Action::TableAmendment, amendments::revise),
        Route::post("/api/amendments/{amendment_id}/withdraw", Action::TableAmendment, amendments::withdraw),
        Route::post("/api/amendments/{amendment_id}/co-sponsors", Action::CoSponsor, amendments::join),
        Route::post("/api/amendments/{amendment_id}/co-sponsors/leave", Action::CoSponsor, amendments::leave),
        Route::post("/api/amendments/{amendment_id}/pick", Action::PickAmendments, amendments::pick),
        Route::post("/api/amendments/{amendment_id}/unpick", Action::PickAmendments, amendments::unpick),
        Route::post(
            "/api/drafts/{draft_id}/revisions/{number}/amendments",
            Action::TableAmendment,
            amendments::create,
        ),
        Route::get(
            "/api/drafts/{draft_id}/revisions/{number}/compilation",
            Action::ReadText,
            amendments::compilation,
        ),
        Route::get(
            "/api/drafts/{draft_id}/revisions/{number}/picks/preview",
            Action::PickAmendments,
            amendments::preview,
        ),
        Route::post(
            "/api/drafts/{draft_id}/revisions/{number}/picks/publish",
            Action::PublishRevision,
            amendments::publish,
        ),
        Route::get("/api/openapi.json", Action::ReadText, || async { Json(ApiDoc::openapi()) }),
        Route::get("/api/processes", Action::ReadText, processes::list),
        Route::get("/api/processes/{process_id}", Action::ReadText, processes::one),
        Route::get("/api/drafts/{draft_id}", Action::ReadText, drafts::one),
        Route::get("/api/drafts/{draft_id}/revisions", Action::ReadText, drafts::revisions),
        Route::post("/api/drafts/{draft_id}/revisions", Action::PublishRevision, drafts::add_revision),
        Route::get("/api/drafts/{draft_id}/revisions/{number}", Action::ReadText, drafts::revision),
        Route::get(
            "/api/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}",
            Action::ReadText,
            drafts::paragraph,
        ),
        Route::get("/api/drafts/{draft_id}/revisions/{number}/export", Action::ReadText, drafts::export),
        Route::get("/api/redline", Action::ReadText, redline::redline),
        Route::get("/api/record", Action::ReadRegistry, record::export),
        Route::get("/api/record/verify", Action::ReadRegistry, record::verify),
        Route::get("/api/parties", Action::ReadRegistry, parties::list),
        Route::get("/api/parties/{party_id}", Action::ReadRegistry, parties::one),
        Route::get("/api/cities", Action::ReadRegistry, parties::cities),
        Route::post("/api/cities/{geonames_id}/party", Action::ManageRegistry, parties::city_party),
        Route::post("/api/parties/import", Action::ManageRegistry, parties::import),
        Route::get("/api/me", Action::ManageTokens, account::me),
        Route::get("/api/outbox", Action::ViewOutbox, account::outbox),
        Route::post("/api/processes/{process_id}/invitations", Action::InviteDelegate, account::invite),
    ]
}
