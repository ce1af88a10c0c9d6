/**
 * Executions: durable records of one command in a sandbox, the service that starts, waits on, streams and
 * cancels them, and the bounded output buffers that capture stdout and stderr incrementally.
 */
package io.runcell.core.execution;
