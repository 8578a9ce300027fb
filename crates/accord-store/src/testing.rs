//! Fresh stores for tests, on both databases (feature `testing`).
//!
//! SQLite: a private in-memory database. PostgreSQL: a new database on the server named by
//! `ACCORD_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`), created for the test; the
//! first fresh store of a test process drops those that earlier processes left ([`drop_stale_databases`]).

use crate::{Backend, Result, Store};
use sqlx::any::install_default_drivers;
use sqlx::Connection;
use std::sync::atomic::{AtomicU64, Ordering};

/// The PostgreSQL server that tests use.
pub fn postgres_admin_url() -> String {
    std::env::var("ACCORD_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A new, empty, migrated store on `backend`.
///
/// # Errors
/// When the database cannot be created or reached; for PostgreSQL the message names the server tried.
pub async fn fresh_store(backend: Backend) -> Result<Store> {
    match backend {
        Backend::Sqlite => Store::open("sqlite::memory:").await,
        Backend::Postgres => {
            static COUNTER: AtomicU64 = AtomicU64::new(0);
            install_default_drivers();
            let admin_url = postgres_admin_url();
            let name = format!(
                "accord_test_{}_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed),
                time::OffsetDateTime::now_utc().unix_timestamp_nanos() % 1_000_000_000
            );
            static CLEANED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
            if !CLEANED.swap(true, Ordering::SeqCst) {
                drop_stale_databases().await?;
            }
            let mut admin = sqlx::AnyConnection::connect(&admin_url).await?;
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await?;
            admin.close().await?;
            let (base, _) = admin_url.rsplit_once('/').expect("a PostgreSQL URL names a database");
            Store::open(&format!("{base}/{name}")).await
        }
    }
}

/// Drops the test databases that earlier test processes left on the PostgreSQL server (those of this process
/// stay). A database still in use by another running test process is left alone: the drop fails then.
///
/// # Errors
/// When the server cannot be reached.
pub async fn drop_stale_databases() -> Result<()> {
    install_default_drivers();
    let mut admin = sqlx::AnyConnection::connect(&postgres_admin_url()).await?;
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname::text FROM pg_database WHERE datname LIKE 'accord_test_%'")
            .fetch_all(&mut admin)
            .await?;
    let own = format!("accord_test_{}_", std::process::id());
    for name in names.into_iter().filter(|name| !name.starts_with(&own)) {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut admin).await;
    }
    Ok(())
}

/// Defines each test twice, once per database: `name::sqlite` and `name::postgres`. The body receives a fresh
/// [`Store`] as `$store`.
#[macro_export]
macro_rules! test_on_both_databases {
    ($(async fn $name:ident($store:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($store: $crate::Store) $body
            #[tokio::test]
            async fn sqlite() {
                run($crate::testing::fresh_store($crate::Backend::Sqlite).await.expect("a fresh SQLite store")).await
            }
            #[tokio::test]
            async fn postgres() {
                let store = $crate::testing::fresh_store($crate::Backend::Postgres).await.unwrap_or_else(|error| {
                    panic!(
                        "PostgreSQL at {} is needed for the store tests ({error}); start it or set ACCORD_TEST_POSTGRES",
                        $crate::testing::postgres_admin_url()
                    )
                });
                run(store).await
            }
        }
    )*};
}
