/**
 * The sandbox driver SPI: what the core asks of an isolation technology. Imports only {@code java.*}, so a
 * backend (namespace, microvm) depends on nothing but this package and the core depends on no backend.
 */
package io.runcell.driver.spi;
