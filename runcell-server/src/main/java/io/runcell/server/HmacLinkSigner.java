package io.runcell.server;

import io.runcell.core.execution.LinkSigner;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 under the server's secret (kept in the data directory) for result links. */
final class HmacLinkSigner implements LinkSigner {

    /** Shortest accepted secret, in bytes. */
    static final int MIN_SECRET_BYTES = 32;

    private final SecretKeySpec key;

    HmacLinkSigner(byte[] secret) {
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(
                    "the result link secret must have at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    @Override
    public byte[] sign(byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
