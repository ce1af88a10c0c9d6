package io.runcell.api.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proof that a request was relayed by a node of this cluster: an HMAC-SHA256, under a key only the nodes
 * share (kept in the cluster's database), of the method, the path with query, the relaying node and the time.
 * A client cannot forge it without the key, and a captured one is only good for that request line for
 * {@link #MAX_SKEW_SECONDS}. It grants nothing beyond "do not relay this again": the client's own API key still
 * authenticates the request on the owner.
 *
 * <p>Wire form: {@code node=<id>;ts=<epoch seconds>;sig=<base64url>}.
 */
public final class InternalCredential {

    public static final String HEADER = "X-Runcell-Forwarded";
    static final long MAX_SKEW_SECONDS = 30;
    private static final int MIN_KEY_BYTES = 32;

    private final byte[] key;
    private final String self;
    private final InstantSource clock;
    /** An initialised Mac cloned per use: requests run on fresh virtual threads, and init costs more than a clone. */
    private final Mac prototype;

    public InternalCredential(byte[] key, String self, InstantSource clock) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the internal credential key needs at least 32 bytes");
        }
        this.key = key.clone();
        this.self = self;
        this.clock = clock;
        try {
            this.prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(this.key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The header value for relaying {@code method pathAndQuery} from this node now. */
    public String sign(String method, String pathAndQuery) {
        long ts = clock.instant().getEpochSecond();
        return "node=" + self + ";ts=" + ts + ";sig=" + mac(method, pathAndQuery, self, ts);
    }

    /** The relaying node's id if {@code header} is a valid credential for this request now, else empty. */
    public Optional<String> verify(String header, String method, String pathAndQuery) {
        String node = null;
        String sig = null;
        long ts = Long.MIN_VALUE;
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return Optional.empty();
            }
            String name = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            switch (name) {
                case "node" -> node = value;
                case "sig" -> sig = value;
                case "ts" -> {
                    try {
                        ts = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return Optional.empty();
                    }
                }
                default -> {
                    return Optional.empty();
                }
            }
        }
        if (node == null || node.isEmpty() || sig == null || ts == Long.MIN_VALUE) {
            return Optional.empty();
        }
        if (Math.abs(clock.instant().getEpochSecond() - ts) > MAX_SKEW_SECONDS) {
            return Optional.empty();
        }
        byte[] expected = mac(method, pathAndQuery, node, ts).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, sig.getBytes(StandardCharsets.US_ASCII))
                ? Optional.of(node)
                : Optional.empty();
    }

    private String mac(String method, String pathAndQuery, String node, long ts) {
        try {
            Mac mac = (Mac) prototype.clone();
            byte[] out = mac.doFinal(
                    (method + "\n" + pathAndQuery + "\n" + node + "\n" + ts).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
        }
    }
}
