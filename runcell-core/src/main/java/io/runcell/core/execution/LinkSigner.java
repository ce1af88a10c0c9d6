package io.runcell.core.execution;

/**
 * Port: a keyed message authentication code over capability tokens (the server implements it with HMAC-SHA256
 * under a per-server secret). Equal inputs give equal outputs for the lifetime of the secret; without the secret
 * an output cannot be predicted.
 *
 * <p>Threading: implementations are safe for concurrent use.
 */
@FunctionalInterface
public interface LinkSigner {

    byte[] sign(byte[] payload);
}
