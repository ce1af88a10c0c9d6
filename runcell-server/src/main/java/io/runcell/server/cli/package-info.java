/** The {@code runcell} command line (picocli): {@code serve}, and client commands that call a server over HTTP. */
package io.runcell.server.cli;
