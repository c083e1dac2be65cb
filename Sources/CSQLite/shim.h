#ifndef GATEWAY_CSQLITE_SHIM_H
#define GATEWAY_CSQLITE_SHIM_H

// The system's SQLite (Debian's libsqlite3-dev): the store's own connections use it through its
// public API, not through the private, prefixed copy inside sqlite-nio.
#include <sqlite3.h>

// sqlite3_db_config is variadic: Swift cannot call it.
// SQLITE_DBCONFIG_ENABLE_QPSG: the query planner stability guarantee. Without it a prepared
// statement whose plan looked at a bound value (the claim's LIMIT ?, and two ordered lookups of
// messages by business key) is compiled again whenever that value changes: at every execution,
// a tenth of the time the gateway spent in SQLite under load.
static inline int gateway_sqlite_plan_without_bound_values(sqlite3 *db) {
    int enabled = 0;
    return sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_QPSG, 1, &enabled);
}

// SQLITE_TRANSIENT is a cast macro: SQLite copies the bound bytes at once.
static inline sqlite3_destructor_type gateway_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

#endif
