/**
 * The Vast.ai dialect under {@code /api/v0} and {@code /api/v1}: instances (integer ids = sandbox numbers), manage
 * state and labels, constrained execute with an unguessable, expiring {@code result_url} served here. Errors are
 * {@code {"success":false,"error":...,"msg":...}}; see {@code docs/dialects/vast.md}.
 */
package io.runcell.api.vast;
