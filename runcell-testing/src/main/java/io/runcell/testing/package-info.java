/**
 * The test harness: starts a real Runcell server (in this JVM, or as a separate process for crash tests) on a
 * random port with a temporary data directory, and raw HTTP helpers to drive any dialect.
 */
package io.runcell.testing;
