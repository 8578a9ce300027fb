//! Loads the demonstration into a database and tables `N` generated amendments (default 3,000, from
//! `accord_text::synthetic::tabled`, the generator of the compilation benchmarks) to Rev.1 in the open fourth
//! round, by 40 member states accredited as participants: the data of the server-side compilation benchmarks
//! in BENCHMARKS.md.
//!
//! `cargo run --release -p accord-demo --example bench_amendments -- sqlite:/tmp/bench-amendments.db 3000`

use accord_store::{NewAmendment, NewParty, Store};
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args.next().unwrap_or_else(|| "sqlite:/tmp/bench-amendments.db".to_owned());
    let n_amendments: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(3_000);
    let store = Store::open(&url).await?;
    let started = Instant::now();
    accord_demo::load(&store).await?;
    eprintln!("demo loaded in {:.1} s", started.elapsed().as_secs_f64());
    let revision = store.revision(&"gcm/1".parse()?).await?;
    let states: Vec<String> = ["DE", "FR", "BR", "MX", "IN", "NG", "JP", "KE", "CA", "AU"]
        .iter()
        .chain(&["IT", "ES", "PT", "NL", "BE", "SE", "NO", "FI", "DK", "AT"])
        .chain(&["CH", "PL", "CZ", "HU", "GR", "TR", "EG", "MA", "ZA", "GH"])
        .chain(&["SN", "AR", "CL", "CO", "PE", "UY", "PH", "ID", "TH", "VN"])
        .map(|code| NewParty::state(code).map(|party| party.party_id().to_owned()))
        .collect::<Result<_, _>>()?;
    let amendments = accord_text::synthetic::tabled(&revision.document, n_amendments);
    let party_id = |name: &str| -> String {
        let index: usize =
            name.trim_start_matches("Party ").parse().expect("generated parties are `Party N`");
        states[index].clone()
    };
    let started = Instant::now();
    let now = time::OffsetDateTime::now_utc();
    for amendment in &amendments {
        let new = NewAmendment {
            draft_id: "gcm".to_owned(),
            revision: 1,
            round: 4,
            sponsor: party_id(amendment.sponsor()),
            co_sponsors: amendment.co_sponsors().iter().map(|party| party_id(party)).collect(),
            proposal: amendment.proposal().clone(),
            justification: amendment.justification().to_owned(),
            table: true,
        };
        store.create_amendment(&new, "bench", now).await?;
    }
    eprintln!("{} amendments tabled in {:.1} s", amendments.len(), started.elapsed().as_secs_f64());
    Ok(())
}
