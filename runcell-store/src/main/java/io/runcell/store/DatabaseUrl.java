package io.runcell.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code --db} names: a SQLite file ({@code PATH}, {@code sqlite:PATH}, {@code jdbc:sqlite:PATH}) or a
 * PostgreSQL database ({@code postgresql://user:pass@host:port/db?params}, {@code postgres://...},
 * {@code jdbc:postgresql://...}). User and password are percent-decoded and kept out of the JDBC URL.
 */
record DatabaseUrl(boolean postgres, String jdbcUrl, String user, String password, Path sqliteFile) {

    static DatabaseUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("database URL is empty");
        }
        String text = url.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(true, text, null, null, null);
        }
        if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
            return postgres(text);
        }
        String path = text;
        if (lower.startsWith("jdbc:sqlite:")) {
            path = text.substring("jdbc:sqlite:".length());
        } else if (lower.startsWith("sqlite:")) {
            path = text.substring("sqlite:".length());
        }
        if (path.isEmpty() || path.startsWith(":memory:") || path.startsWith("file:")) {
            throw new IllegalArgumentException("a SQLite database must be a file path");
        }
        Path file = Path.of(path).toAbsolutePath().normalize();
        return new DatabaseUrl(false, "jdbc:sqlite:" + file, null, null, file);
    }

    private static DatabaseUrl postgres(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed PostgreSQL URL", e);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("PostgreSQL URL needs a host");
        }
        String user = null;
        String password = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
        if (uri.getPort() > 0) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            jdbc.append('?').append(uri.getRawQuery());
        }
        return new DatabaseUrl(true, jdbc.toString(), user, password, null);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return postgres ? jdbcUrl + (user == null ? "" : " as " + user) : jdbcUrl;
    }
}
