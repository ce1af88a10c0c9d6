package io.runcell.core.id;

import java.time.InstantSource;
import java.util.Optional;
import java.util.UUID;

/**
 * Prefixed identifiers. A sandbox has one ULID and renders it per dialect: native {@code sbx_<ulid>}, Hostup
 * {@code vps_<ulid>}, InstaVM a UUID of the same 128 bits; Vast uses the sandbox's integer number instead.
 */
public final class Ids {

    public static final String SANDBOX = "sbx_";
    public static final String VPS = "vps_";
    public static final String EXECUTION = "exe_";
    public static final String ACCOUNT = "acc_";
    public static final String KEY = "key_";
    public static final String REQUEST = "req_";
    public static final String AUDIT = "aud_";
    public static final String OPERATION = "op_";

    private final InstantSource clock;

    public Ids(InstantSource clock) {
        this.clock = clock;
    }

    public String next(String prefix) {
        return prefix + Ulid.next(clock);
    }

    /** The ULID after {@code prefix}, or empty if {@code id} is not {@code prefix + ulid}. */
    public static Optional<Ulid> ulidOf(String prefix, String id) {
        if (id == null || !id.startsWith(prefix) || !Ulid.isValid(id.substring(prefix.length()))) {
            return Optional.empty();
        }
        return Optional.of(Ulid.parse(id.substring(prefix.length())));
    }

    /** Re-prefixes a sandbox id, e.g. {@code sbx_x → vps_x}; empty if {@code id} lacks {@code from}. */
    public static Optional<String> convert(String id, String from, String to) {
        return ulidOf(from, id).map(u -> to + u);
    }

    public static String sandboxIdToUuid(String sandboxId) {
        return ulidOf(SANDBOX, sandboxId).orElseThrow().toUuid().toString();
    }

    public static Optional<String> sandboxIdFromUuid(String uuid) {
        try {
            return Optional.of(SANDBOX + Ulid.fromUuid(UUID.fromString(uuid)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
