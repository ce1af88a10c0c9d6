/**
 * InstaVM's HTTP API over the core: sessions are sandboxes started lazily by their first execute, tasks are
 * executions. Errors in FastAPI's {@code detail} shape; validation errors in pydantic v2's wording.
 */
package io.runcell.api.instavm;
