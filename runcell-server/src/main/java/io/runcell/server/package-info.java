/** The composition root: configuration, manual wiring of store, drivers, core and HTTP, and the server lifecycle. */
package io.runcell.server;
