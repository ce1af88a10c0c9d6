/** The master key and the AES-256-GCM cipher that encrypts vault secrets. */
package io.runcell.server.secrets;
