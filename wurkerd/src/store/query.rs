//! Running one statement on any backend: the text written once with `?` markers, the values
//! bound in order, and the rows handed back as [`Row`]s. This is the only place that binds
//! values per backend and sorts sqlx errors, and every outcome is reported to the connection's
//! [`crate::store::Health`].

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo};
use sqlx::types::JsonRawValue;
use sqlx::{AssertSqlSafe, Database, MySql, Postgres, SqlSafeStr, SqlStr, Sqlite};

use crate::store::conn::Backend;
use crate::store::value::{SQLITE_TIME_FORMAT, sqlite_time_bound};
use crate::store::{Conn, Dialect, Row, StoreError, Value};

/// A statement and its values. Build it with [`query`], add values with [`Query::bind`], then
/// run it with one of the `fetch_*`, [`Query::execute`] or [`Query::insert`].
#[derive(Debug)]
#[must_use = "a query does nothing until it is run"]
pub struct Query {
    sql: SqlStr,
    args: Vec<Value>,
}

/// Starts a statement. The text is SQL the three backends share, with `?` for each value (see
/// [`crate::store::dialect`]); text built at run time must be wrapped in
/// [`sqlx::AssertSqlSafe`], and may only be assembled from constants, never from input.
pub fn query(sql: impl SqlSafeStr) -> Query {
    Query {
        sql: sql.into_sql_str(),
        args: Vec::new(),
    }
}

type SqlxQuery<DB> = sqlx::query::Query<'static, DB, <DB as Database>::Arguments>;

impl Query {
    /// Binds the value of the next `?`.
    pub fn bind(mut self, value: impl Into<Value>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Runs a statement that returns no rows, and says how many rows it changed (on MySQL:
    /// how many it matched).
    ///
    /// # Errors
    /// As sorted by [`StoreError`].
    pub async fn execute(self, conn: &mut Conn) -> Result<u64, StoreError> {
        let result = self.run_execute(conn).await;
        observe(conn, &result);
        result
    }

    /// Runs an `INSERT` into a table whose key is an auto-increment `id`, and returns the new
    /// row's id.
    ///
    /// # Errors
    /// As sorted by [`StoreError`].
    pub async fn insert(self, conn: &mut Conn) -> Result<i64, StoreError> {
        let result = self.run_insert(conn).await;
        observe(conn, &result);
        result
    }

    /// Runs a query and returns every row.
    ///
    /// # Errors
    /// As sorted by [`StoreError`].
    pub async fn fetch_all(self, conn: &mut Conn) -> Result<Vec<Row>, StoreError> {
        let result = self.run_fetch_all(conn).await;
        observe(conn, &result);
        result
    }

    /// Runs a query and returns its first row, if any.
    ///
    /// # Errors
    /// As sorted by [`StoreError`].
    pub async fn fetch_optional(self, conn: &mut Conn) -> Result<Option<Row>, StoreError> {
        let result = self.run_fetch_optional(conn).await;
        observe(conn, &result);
        result
    }

    /// Runs a query that must return a row.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it returns none; otherwise as sorted by [`StoreError`].
    pub async fn fetch_one(self, conn: &mut Conn) -> Result<Row, StoreError> {
        self.fetch_optional(conn)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "the row".to_string(),
            })
    }

    async fn run_execute(self, conn: &mut Conn) -> Result<u64, StoreError> {
        Ok(match conn.backend() {
            Backend::Sqlite(c) => self.for_sqlite().execute(c).await?.rows_affected(),
            Backend::MySql(c) => self.for_mysql().execute(c).await?.rows_affected(),
            Backend::Postgres(c) => self.for_postgres()?.execute(c).await?.rows_affected(),
        })
    }

    async fn run_insert(self, conn: &mut Conn) -> Result<i64, StoreError> {
        match conn.backend() {
            Backend::Sqlite(c) => Ok(self.for_sqlite().execute(c).await?.last_insert_rowid()),
            Backend::MySql(c) => {
                let id = self.for_mysql().execute(c).await?.last_insert_id();
                i64::try_from(id).map_err(|_| StoreError::decode("id", "new id out of range"))
            }
            // PostgreSQL reports no insert id: the statement returns it.
            Backend::Postgres(c) => {
                let sql = format!("{} RETURNING id", self.sql.as_str());
                let returning = Query {
                    sql: AssertSqlSafe(sql).into_sql_str(),
                    args: self.args,
                };
                let row = returning.for_postgres()?.fetch_one(c).await?;
                Row::Postgres(row).int("id")
            }
        }
    }

    async fn run_fetch_all(self, conn: &mut Conn) -> Result<Vec<Row>, StoreError> {
        Ok(match conn.backend() {
            Backend::Sqlite(c) => wrap(self.for_sqlite().fetch_all(c).await?, Row::Sqlite),
            Backend::MySql(c) => wrap(self.for_mysql().fetch_all(c).await?, Row::MySql),
            Backend::Postgres(c) => wrap(self.for_postgres()?.fetch_all(c).await?, Row::Postgres),
        })
    }

    async fn run_fetch_optional(self, conn: &mut Conn) -> Result<Option<Row>, StoreError> {
        Ok(match conn.backend() {
            Backend::Sqlite(c) => self.for_sqlite().fetch_optional(c).await?.map(Row::Sqlite),
            Backend::MySql(c) => self.for_mysql().fetch_optional(c).await?.map(Row::MySql),
            Backend::Postgres(c) => self
                .for_postgres()?
                .fetch_optional(c)
                .await?
                .map(Row::Postgres),
        })
    }

    fn for_sqlite(self) -> SqlxQuery<Sqlite> {
        let mut q = sqlx::query(self.sql);
        for value in self.args {
            q = match value {
                Value::Int(v) => q.bind(v),
                Value::Float(v) => q.bind(v),
                Value::Bool(v) => q.bind(v),
                Value::Text(v) | Value::Json(v) | Value::Label(v) => q.bind(v),
                Value::Bytes(v) => q.bind(v),
                Value::Time(v) => q.bind(v.map(|t| t.format(SQLITE_TIME_FORMAT).to_string())),
                Value::TimeBound(v) => q.bind(v.map(sqlite_time_bound)),
            };
        }
        q
    }

    fn for_mysql(self) -> SqlxQuery<MySql> {
        let mut q = sqlx::query(self.sql);
        for value in self.args {
            q = match value {
                Value::Int(v) => q.bind(v),
                Value::Float(v) => q.bind(v),
                Value::Bool(v) => q.bind(v),
                Value::Text(v) | Value::Json(v) | Value::Label(v) => q.bind(v),
                Value::Bytes(v) => q.bind(v),
                // Connections run in UTC, and DATETIME keeps no zone: store UTC wall time.
                Value::Time(v) | Value::TimeBound(v) => q.bind(v.map(|t| t.naive_utc())),
            };
        }
        q
    }

    fn for_postgres(self) -> Result<SqlxQuery<Postgres>, StoreError> {
        let sql = match Dialect::Postgres.rewrite(self.sql.as_str()) {
            Some(text) => AssertSqlSafe(text).into_sql_str(),
            None => self.sql,
        };
        let mut q = sqlx::query(sql);
        for value in self.args {
            q = match value {
                Value::Int(v) => q.bind(v),
                Value::Float(v) => q.bind(v),
                Value::Bool(v) => q.bind(v),
                Value::Text(v) => q.bind(v),
                Value::Bytes(v) => q.bind(v),
                // Text is not accepted where a json column is expected; a json value is.
                Value::Json(v) => q.bind(v.map(json_value).transpose()?),
                Value::Time(v) | Value::TimeBound(v) => q.bind(v),
                Value::Label(v) => q.bind(v.map(Untyped)),
            };
        }
        Ok(q)
    }
}

/// Text sent to PostgreSQL without a type (OID 0), so that the server gives it the type of the
/// column it meets: text for a VARCHAR, the label of an ENUM. Both read the same bytes.
struct Untyped(String);

impl sqlx::Type<Postgres> for Untyped {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(Oid(0))
    }
}

impl sqlx::Encode<'_, Postgres> for Untyped {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.extend(self.0.as_bytes());
        Ok(IsNull::No)
    }
}

fn json_value(text: String) -> Result<Box<JsonRawValue>, StoreError> {
    JsonRawValue::from_string(text)
        .map_err(|err| StoreError::Database(sqlx::Error::Encode(Box::new(err))))
}

fn wrap<R>(rows: Vec<R>, into: fn(R) -> Row) -> Vec<Row> {
    rows.into_iter().map(into).collect()
}

fn observe<T>(conn: &Conn, result: &Result<T, StoreError>) {
    if let Some(health) = conn.health() {
        health.observe(result);
    }
}
