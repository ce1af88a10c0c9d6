/** Identifier generation and the per-dialect renderings of one identifier. */
package io.runcell.core.id;
