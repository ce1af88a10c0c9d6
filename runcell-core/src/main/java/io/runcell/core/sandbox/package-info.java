/** Sandboxes: their records, states and the one service that owns their transitions, plus the lifetime reaper. */
package io.runcell.core.sandbox;
