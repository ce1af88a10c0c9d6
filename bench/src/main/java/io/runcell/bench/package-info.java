/** Benchmark drivers; run through the scripts in {@code bench/}, never as tests. */
package io.runcell.bench;
