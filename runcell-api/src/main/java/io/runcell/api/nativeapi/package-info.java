/** Runcell's own API under {@code /runcell/v1}: snake_case JSON, RFC 7807 errors, Bearer auth. */
package io.runcell.api.nativeapi;
