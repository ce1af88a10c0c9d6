/** A small Java client of the native API ({@code /runcell/v1}), used by the CLI, the tests and the benchmarks. */
package io.runcell.client;
