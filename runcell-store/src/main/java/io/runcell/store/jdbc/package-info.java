/**
 * JDBC repositories shared by SQLite and PostgreSQL: one class per core repository port, plus {@link
 * io.runcell.store.jdbc.Jdbc}, which runs single auto-committed statements and maps rows. The SQL here is the
 * portable subset both databases accept (no vendor types; {@code UPDATE ... RETURNING} and
 * {@code INSERT ... ON CONFLICT} work on SQLite 3.35+ and PostgreSQL). Node ids match with {@code = ?}, or
 * {@code IS NULL} when the caller passes null.
 */
package io.runcell.store.jdbc;
