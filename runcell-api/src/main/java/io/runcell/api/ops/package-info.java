/** Operational endpoints: health, readiness and Prometheus metrics. */
package io.runcell.api.ops;
