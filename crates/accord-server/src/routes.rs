//! Every route of the application in one list: method, path pattern, the [`Action`] it takes and its handler.
//! The same list builds the router ([`crate::router`]) and feeds the test that walks every route with every role,
//! so no route escapes the permission table. A module adds its routes to its own `routes()` list
//! ([`crate::pages::routes`], [`crate::api::routes`]); never with `Router::route` directly.

use crate::auth::{self, RouteAction};
use crate::permissions::Action;
use crate::AppState;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::MethodRouter;
use axum::{Extension, Router};
use std::convert::Infallible;

/// One route: what it answers, what it does, and who may ask.
#[derive(Debug)]
pub struct Route {
    /// `GET` or `POST`.
    pub method: Method,
    /// The path pattern, axum style: `/drafts/{draft_id}`.
    pub path: &'static str,
    /// What the route does, checked against the permission table before the handler runs.
    pub action: Action,
    handler: MethodRouter<AppState>,
}

impl Route {
    /// A `GET` route.
    pub fn get<H, T>(path: &'static str, action: Action, handler: H) -> Route
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        Route { method: Method::GET, path, action, handler: axum::routing::get(handler) }
    }

    /// A `POST` route.
    pub fn post<H, T>(path: &'static str, action: Action, handler: H) -> Route
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        Route { method: Method::POST, path, action, handler: axum::routing::post(handler) }
    }
}

/// Every route of the application: pages, then the API.
pub fn routes() -> Vec<Route> {
    let mut routes = crate::pages::routes();
    routes.extend(crate::api::routes());
    routes
}

/// The router of `routes`, each route behind the [`auth::guard`] with its action.
pub(crate) fn build(routes: Vec<Route>, state: &AppState) -> Router<AppState> {
    routes.into_iter().fold(Router::new(), |router, route| {
        let guarded = route
            .handler
            .layer::<_, Infallible>(axum::middleware::from_fn_with_state(state.clone(), auth::guard))
            .layer::<_, Infallible>(Extension(RouteAction(route.action)));
        router.route(route.path, guarded)
    })
}
