/** The error catalogue: every failure the core reports, with a stable code that dialects map to their wire shape. */
package io.runcell.core.error;
