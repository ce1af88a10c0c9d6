package io.runcell.core.execution;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Optional;

/**
 * Unguessable, expiring capability tokens for an execution's output, without storage: a token is
 * {@code <execution id>.<expiry epoch seconds>.<MAC of both by the LinkSigner, base64url>} (the server signs with
 * HMAC-SHA256 under a per-server secret).
 * Anyone holding a valid, unexpired token may read the output of that one execution once it has ended
 * (Vast's {@code result_url}). A restart keeps tokens valid as long as the secret is kept.
 *
 * <p>Threading: safe for concurrent use.
 */
public final class ResultLinks {

    private static final int MAX_TOKEN_LENGTH = 200;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final ExecutionService executions;
    private final LinkSigner signer;
    private final InstantSource clock;
    private final Duration ttl;

    /** @param ttl how long an issued token stays valid */
    public ResultLinks(ExecutionService executions, LinkSigner signer, InstantSource clock, Duration ttl) {
        this.executions = executions;
        this.signer = signer;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** A token for {@code execution}'s output, valid for the configured time from now. */
    public String issue(Execution execution) {
        long expiry = clock.instant().plus(ttl).getEpochSecond();
        String payload = execution.id() + "." + expiry;
        return payload + "." + B64.encodeToString(mac(payload));
    }

    /** What a token grants right now. */
    public enum Access {
        READY,
        PENDING,
        INVALID
    }

    /** The execution a token grants, with whether its output is final; INVALID for forged or expired tokens. */
    public record Resolved(Access access, Execution execution) {}

    public Resolved resolve(String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return new Resolved(Access.INVALID, null);
        }
        int last = token.lastIndexOf('.');
        int first = token.indexOf('.');
        if (first <= 0 || last <= first) {
            return new Resolved(Access.INVALID, null);
        }
        String payload = token.substring(0, last);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(token.substring(last + 1));
        } catch (IllegalArgumentException e) {
            return new Resolved(Access.INVALID, null);
        }
        if (!MessageDigest.isEqual(given, mac(payload))) {
            return new Resolved(Access.INVALID, null);
        }
        long expiry;
        try {
            expiry = Long.parseLong(token.substring(first + 1, last));
        } catch (NumberFormatException e) {
            return new Resolved(Access.INVALID, null);
        }
        if (!clock.instant().isBefore(Instant.ofEpochSecond(expiry))) {
            return new Resolved(Access.INVALID, null);
        }
        Optional<Execution> execution = executions.peek(token.substring(0, first));
        if (execution.isEmpty()) {
            return new Resolved(Access.INVALID, null);
        }
        Execution e = execution.get();
        return new Resolved(e.status().terminal() ? Access.READY : Access.PENDING, e);
    }

    private byte[] mac(String payload) {
        return signer.sign(payload.getBytes(StandardCharsets.UTF_8));
    }
}
