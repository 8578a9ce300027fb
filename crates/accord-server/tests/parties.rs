//! The party registry over HTTP, on SQLite and on PostgreSQL: `GET /api/parties`, `/api/parties/{id}`,
//! `/api/cities` and the pages `/parties`, `/parties/{id}`, `/cities`. The real application on port 0 over a
//! store holding the compiled states and a small gazetteer of rows copied from `data/registry/cities.csv`.

mod helpers;

use accord_store::registry;
use accord_store::{test_on_both_databases, Store};
use helpers::{spawn_app, TestApp};

/// Rows of `data/registry/cities.csv`, with three Washingtons in the United States.
const CITIES: &str = "geonames_id,name,ascii_name,country_code,admin1_code,latitude,longitude,population
3448439,São Paulo,Sao Paulo,BR,27,-23.54750,-46.63611,12400232
4140963,Washington,Washington,US,DC,38.89511,-77.03637,689545
4887398,Chicago,Chicago,US,IL,41.85003,-87.65005,2664452
4915545,Washington,Washington,US,IL,40.70365,-89.40731,16664
5549222,Washington,Washington,US,UT,37.13054,-113.50829,24299
";

/// The 195 states, the small gazetteer, and Chicago as a party.
async fn registry_app(store: Store) -> TestApp {
    store
        .load_registry(registry::MEMBER_STATES_CSV, registry::OBSERVER_STATES_CSV, CITIES)
        .await
        .expect("the registry loads");
    store.party_for_city(4_887_398).await.expect("Chicago becomes a party");
    spawn_app(store).await
}

async fn status_and_json(app: &TestApp, path: &str) -> (u16, serde_json::Value) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
}

fn ids(json: &serde_json::Value) -> Vec<String> {
    json.as_array().expect("an array").iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect()
}

test_on_both_databases! {
    async fn the_api_lists_every_party_and_filters_by_kind(store) {
        let app = registry_app(store).await;

        let every = app.get_json("/api/parties").await;
        let observers = app.get_json("/api/parties?kind=observer_state").await;
        let cities = app.get_json("/api/parties?kind=city").await;

        assert_eq!(every.as_array().unwrap().len(), 196);
        assert_eq!(ids(&observers), ["holy-see", "state-of-palestine"]);
        assert_eq!(observers[0]["iso3166_alpha3"], "VAT");
        assert_eq!(ids(&cities), ["chicago-us"]);
        let chicago = &cities[0];
        assert_eq!((chicago["kind"].as_str(), chicago["country"].as_str()), (Some("city"), Some("US")));
        assert_eq!((chicago["population"].as_i64(), chicago["geonames_id"].as_i64()), (Some(2_664_452), Some(4_887_398)));
        assert!((chicago["latitude"].as_f64().unwrap() - 41.85003).abs() < 1e-9);
        assert_eq!(chicago["html_href"], "/parties/chicago-us");
    }

    async fn the_api_refuses_an_unknown_kind_naming_the_field(store) {
        let app = registry_app(store).await;

        let (status, body) = status_and_json(&app, "/api/parties?kind=city_state").await;

        assert_eq!(status, 422);
        assert_eq!(body["field"], "kind");
        assert!(body["message"].as_str().unwrap().contains("unknown kind `city_state`"), "{body}");
    }

    async fn the_api_answers_one_party_or_404(store) {
        let app = registry_app(store).await;

        let united_states = app.get_json("/api/parties/united-states").await;
        let (status, body) = status_and_json(&app, "/api/parties/atlantis").await;

        assert_eq!(united_states["kind"], "member_state");
        assert_eq!(united_states["official_name"], "United States of America");
        assert_eq!((united_states["iso3166_alpha2"].as_str(), united_states["iso3166_alpha3"].as_str()), (Some("US"), Some("USA")));
        assert!(united_states["population"].is_null());
        assert_eq!(status, 404);
        assert_eq!(body["message"], "no party `atlantis`");
    }

    async fn the_api_finds_cities_by_the_start_of_their_name(store) {
        let app = registry_app(store).await;

        let washingtons = app.get_json("/api/cities?q=WASH&limit=2").await;
        let sao_paulo = app.get_json("/api/cities?q=sao").await;

        let found: Vec<i64> = washingtons.as_array().unwrap().iter().map(|city| city["geonames_id"].as_i64().unwrap()).collect();
        assert_eq!(found, [4_140_963, 5_549_222], "most populous first, two at most");
        assert_eq!(washingtons[0]["admin1_code"], "DC");
        assert_eq!(sao_paulo[0]["name"], "São Paulo");
        assert_eq!(sao_paulo[0]["ascii_name"], "Sao Paulo");
    }

    async fn the_api_refuses_a_city_search_without_a_query_or_with_a_bad_limit(store) {
        let app = registry_app(store).await;
        // (path, field named)
        let cases = [("/api/cities", "q"), ("/api/cities?q=%20", "q"), ("/api/cities?q=w&limit=0", "limit"), ("/api/cities?q=w&limit=101", "limit")];
        for (path, field) in cases {
            let (status, body) = status_and_json(&app, path).await;

            assert_eq!(status, 422, "{path}");
            assert_eq!(body["field"], field, "{path}");
        }
    }

    async fn the_openapi_document_lists_the_registry_paths(store) {
        let app = spawn_app(store).await;

        let document = app.get_json("/api/openapi.json").await;

        for path in ["/api/parties", "/api/parties/{party_id}", "/api/cities"] {
            assert!(document["paths"][path]["get"].is_object(), "{path} is in the OpenAPI document");
        }
    }

    async fn the_registry_page_lists_parties_and_filters_by_kind_with_a_labelled_select(store) {
        let app = registry_app(store).await;

        let every = app.get_html("/parties").await;
        let observers = app.get_html("/parties?kind=observer_state").await;

        assert_eq!(every.matches("<h1>").count(), 1);
        assert!(every.contains(r#"<a href="/parties/united-states">United States</a></td><td>member state</td><td>USA</td>"#));
        assert!(every.contains(r#"<a href="/parties/chicago-us">Chicago</a></td><td>city</td><td>US</td>"#));
        assert!(every.contains("<caption>196 parties</caption>"));
        assert!(every.contains(r#"<label for="kind">"#) && every.contains(r#"<select id="kind" name="kind">"#));
        assert!(observers.contains("Holy See") && observers.contains("State of Palestine"));
        assert!(!observers.contains("United States"));
        assert!(observers.contains(r#"<option value="observer_state" selected>"#));
    }

    async fn the_registry_page_answers_422_html_for_an_unknown_kind(store) {
        let app = registry_app(store).await;

        let response = app.get("/parties?kind=city_state").await;

        assert_eq!(response.status().as_u16(), 422);
        assert!(response.text().await.unwrap().contains("unknown kind `city_state`"));
    }

    async fn a_city_party_page_shows_its_figures_and_the_geonames_attribution(store) {
        let app = registry_app(store).await;

        let chicago = app.get_html("/parties/chicago-us").await;
        let missing = app.get("/parties/atlantis").await;

        assert!(chicago.contains("<h1>Chicago</h1>"));
        assert!(chicago.contains("<dd>United States (US)</dd>"));
        assert!(chicago.contains("<dd>2664452</dd>"));
        assert!(chicago.contains("41.85003, -87.65005"));
        assert!(chicago.contains(r#"<a href="https://www.geonames.org/4887398">4887398</a>"#));
        assert!(chicago.contains("Contains data from GeoNames"));
        assert_eq!(missing.status().as_u16(), 404);
    }

    async fn the_city_search_page_lists_matching_cities_most_populous_first(store) {
        let app = registry_app(store).await;

        let found = app.get_html("/cities?q=wash").await;
        let empty = app.get_html("/cities").await;

        let district = found.find("<td>Washington (DC)</td>").expect("Washington, DC is found");
        let utah = found.find("<td>Washington (UT)</td>").expect("Washington, Utah is found");
        let illinois = found.find("<td>Washington (IL)</td>").expect("Washington, Illinois is found");
        assert!(district < utah && utah < illinois);
        assert!(found.contains("<td>United States (US)</td><td>689545</td><td>4140963</td>"));
        assert!(found.contains(r#"<label for="q">"#));
        assert!(!empty.contains("<table>"), "no query, no results");
    }
}
