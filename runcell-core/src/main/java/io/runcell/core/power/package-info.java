/**
 * Power actions on a sandbox (start, shutdown, stop, restart, reset) run as durable asynchronous operations that a
 * client polls: Hostup's {@code POST /vps/{id}/actions/{action}}.
 */
package io.runcell.core.power;
