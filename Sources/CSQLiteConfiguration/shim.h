#ifndef GATEWAY_CSQLITECONFIGURATION_SHIM_H
#define GATEWAY_CSQLITECONFIGURATION_SHIM_H

// sqlite3_db_config is variadic: Swift cannot call it. The SQLite in the binary is sqlite-nio's
// copy, whose symbols carry its sqlite_nio_ prefix; its header is not on this module's search
// path, so the one function needed is declared here as that header declares it.
struct sqlite3;
int sqlite_nio_sqlite3_db_config(struct sqlite3 *db, int op, ...);

// SQLITE_DBCONFIG_ENABLE_QPSG (1007): the query planner stability guarantee. Without it a
// prepared statement whose plan looked at a bound value (the claim's LIMIT ?, and two ordered
// lookups of messages by business key) is compiled again whenever that value changes: at
// every execution, a tenth of the time the gateway spent in SQLite under load.
static inline int gateway_sqlite_plan_without_bound_values(struct sqlite3 *db) {
    int enabled = 0;
    return sqlite_nio_sqlite3_db_config(db, 1007, 1, &enabled);
}

#endif
