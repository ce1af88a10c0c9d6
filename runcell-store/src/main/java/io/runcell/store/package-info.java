/**
 * The store module's entry point: {@link io.runcell.store.Database} opens SQLite (default, embedded) or
 * PostgreSQL (cluster) behind a HikariCP pool, runs the Flyway migrations in {@code db/migration} (the same SQL
 * on both), and hands out the core's repository ports implemented in {@link io.runcell.store.jdbc}.
 */
package io.runcell.store;
