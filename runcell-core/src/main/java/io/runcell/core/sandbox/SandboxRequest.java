package io.runcell.core.sandbox;

import java.util.Map;

/**
 * What a caller asks for when creating a sandbox; null fields take the plan's defaults.
 *
 * @param start whether to start it now ({@code false}: an InstaVM session, started by its first execute)
 */
public record SandboxRequest(
        String backend,
        String label,
        Integer memoryMb,
        Integer vcpus,
        Integer pidsMax,
        Integer lifetimeSeconds,
        Boolean network,
        Map<String, String> env,
        Map<String, String> metadata,
        boolean start) {

    public SandboxRequest {
        env = env == null ? Map.of() : Map.copyOf(env);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public static SandboxRequest defaults(boolean start) {
        return new SandboxRequest(null, null, null, null, null, null, null, Map.of(), Map.of(), start);
    }
}
