package io.runcell.server.cli;

import io.runcell.client.RuncellClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --url} and {@code --api-key} shared by the client commands. */
final class ClientOptions {

    @Option(names = "--url", description = "Server URL (env RUNCELL_URL, default http://127.0.0.1:8080)")
    String url;

    @Option(names = "--api-key", description = "API key (env RUNCELL_API_KEY, else ./data/admin.key)")
    String apiKey;

    RuncellClient client() {
        String u = url != null ? url : System.getenv().getOrDefault("RUNCELL_URL", "http://127.0.0.1:8080");
        return new RuncellClient(u, key());
    }

    private String key() {
        if (apiKey != null) {
            return apiKey;
        }
        String env = System.getenv("RUNCELL_API_KEY");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        Path local = Path.of(System.getenv().getOrDefault("RUNCELL_DATA_DIR", "data"), "admin.key");
        try {
            if (Files.isReadable(local)) {
                return Files.readString(local).strip();
            }
        } catch (IOException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("no API key: pass --api-key or set RUNCELL_API_KEY");
    }
}
