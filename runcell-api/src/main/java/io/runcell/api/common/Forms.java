package io.runcell.api.common;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTML form bodies: {@code application/x-www-form-urlencoded} and {@code multipart/form-data}, read whole into
 * memory under a size cap. Helidon's multipart module is not published for the Helidon version this project
 * uses, so the (small) multipart grammar is parsed here.
 */
public final class Forms {

    /** One form part: text fields have a null filename. */
    public record Part(String name, String filename, byte[] data) {
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private Forms() {}

    /**
     * The parts of a form body by name (the first of repeated names wins), or empty when the body is not a form.
     * Throws {@link MalformedBodyException} for a broken multipart body or one larger than {@code maxBytes}.
     */
    public static Optional<Map<String, Part>> read(ServerRequest req, int maxBytes) {
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        String lower = type.toLowerCase(Locale.ROOT);
        if (lower.startsWith("application/x-www-form-urlencoded")) {
            return Optional.of(urlEncoded(new String(Bodies.raw(req, maxBytes), StandardCharsets.UTF_8)));
        }
        if (lower.startsWith("multipart/form-data")) {
            String boundary = parameter(type, "boundary")
                    .orElseThrow(() -> new MalformedBodyException("The multipart body has no boundary.", false));
            return Optional.of(multipart(Bodies.raw(req, maxBytes), boundary));
        }
        return Optional.empty();
    }

    static Map<String, Part> urlEncoded(String body) {
        Map<String, Part> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.putIfAbsent(name, new Part(name, null, value.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    static Map<String, Part> multipart(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Map<String, Part> out = new LinkedHashMap<>();
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            throw new MalformedBodyException("The multipart body has no parts.", false);
        }
        while (true) {
            pos += delimiter.length;
            if (pos + 1 < body.length && body[pos] == '-' && body[pos + 1] == '-') {
                return out;
            }
            pos = skipLineEnd(body, pos);
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
            if (headersEnd < 0) {
                throw new MalformedBodyException("A multipart part has no header end.", false);
            }
            String headers = new String(body, pos, headersEnd - pos, StandardCharsets.UTF_8);
            int dataStart = headersEnd + 4;
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), dataStart);
            if (next < 0) {
                throw new MalformedBodyException("A multipart part is not terminated.", false);
            }
            Part part = part(headers, Arrays.copyOfRange(body, dataStart, next));
            if (part != null) {
                out.putIfAbsent(part.name(), part);
            }
            pos = next + 2;
        }
    }

    private static Part part(String headers, byte[] data) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("content-disposition")) {
                String value = line.substring(colon + 1);
                Optional<String> name = parameter(value, "name");
                return name.map(n -> new Part(n, parameter(value, "filename").orElse(null), data))
                        .orElse(null);
            }
        }
        return null;
    }

    /** A {@code ; key=value} or {@code ; key="value"} parameter of a header value. */
    static Optional<String> parameter(String header, String key) {
        for (String piece : header.split(";")) {
            String p = piece.strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase(key)) {
                String v = p.substring(eq + 1).strip();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private static int skipLineEnd(byte[] b, int pos) {
        if (pos + 1 < b.length && b[pos] == '\r' && b[pos + 1] == '\n') {
            return pos + 2;
        }
        throw new MalformedBodyException("The multipart body is malformed.", false);
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedBodyException("The form body is malformed.", false);
        }
    }
}
