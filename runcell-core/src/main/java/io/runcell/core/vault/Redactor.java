package io.runcell.core.vault;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces every occurrence of a secret's value in output with {@code [REDACTED:<name>]}: the raw UTF-8 bytes,
 * the standard and URL-safe base64 forms with and without padding (also of the value followed by a newline, as
 * {@code echo $S | base64} prints), and the URL-encoded forms ({@code +} and {@code %20} for spaces). At each
 * position the longest form matches first. Immutable and thread-safe; {@link #stream()} makes a stateful
 * per-stream filter that catches values split across chunks.
 */
public final class Redactor {

    public static final Redactor NONE = new Redactor(List.of());

    private record Pattern(byte[] bytes, byte[] replacement) {}

    private final Pattern[][] byFirstByte = new Pattern[256][];
    private final int maxLength;
    private final boolean empty;

    private Redactor(List<Pattern> patterns) {
        List<Pattern> sorted = new ArrayList<>(patterns);
        sorted.sort(Comparator.comparingInt((Pattern p) -> p.bytes.length).reversed());
        int max = 0;
        for (int b = 0; b < 256; b++) {
            final int first = b;
            Pattern[] withFirst =
                    sorted.stream().filter(p -> (p.bytes[0] & 0xff) == first).toArray(Pattern[]::new);
            byFirstByte[b] = withFirst.length == 0 ? null : withFirst;
        }
        for (Pattern p : sorted) {
            max = Math.max(max, p.bytes.length);
        }
        this.maxLength = max;
        this.empty = sorted.isEmpty();
    }

    /** A redactor of these secrets (name to value); empty values are ignored. */
    public static Redactor of(Map<String, String> secrets) {
        return ofEntries(List.copyOf(secrets.entrySet()));
    }

    /** A redactor of these (name, value) pairs; several values may share a name. */
    public static Redactor ofEntries(List<Map.Entry<String, String>> secrets) {
        Map<String, byte[]> forms = new LinkedHashMap<>();
        List<Pattern> patterns = new ArrayList<>();
        for (Map.Entry<String, String> e : secrets) {
            String value = e.getValue();
            if (value == null || value.isEmpty()) {
                continue;
            }
            byte[] replacement = ("[REDACTED:" + e.getKey() + "]").getBytes(StandardCharsets.UTF_8);
            for (String form : formsOf(value)) {
                if (!form.isEmpty() && forms.putIfAbsent(form, replacement) == null) {
                    patterns.add(new Pattern(form.getBytes(StandardCharsets.UTF_8), replacement));
                }
            }
        }
        return new Redactor(patterns);
    }

    static List<String> formsOf(String value) {
        byte[] raw = value.getBytes(StandardCharsets.UTF_8);
        byte[] withNewline = (value + "\n").getBytes(StandardCharsets.UTF_8);
        List<String> forms = new ArrayList<>();
        forms.add(value);
        for (byte[] b : List.of(raw, withNewline)) {
            forms.add(Base64.getEncoder().encodeToString(b));
            forms.add(Base64.getEncoder().withoutPadding().encodeToString(b));
            forms.add(Base64.getUrlEncoder().encodeToString(b));
            forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
        }
        String url = URLEncoder.encode(value, StandardCharsets.UTF_8);
        forms.add(url);
        forms.add(url.replace("+", "%20"));
        return forms;
    }

    public boolean isEmpty() {
        return empty;
    }

    /** The longest form; a streaming filter holds back at most this minus one byte. */
    public int maxPatternLength() {
        return maxLength;
    }

    /** Redacts a complete text. */
    public String redact(String text) {
        if (empty || text.isEmpty()) {
            return text;
        }
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
        scan(b, b.length, b.length, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Writes {@code buf[0..len)} redacted to {@code out}, examining positions before {@code limit} only; returns
     * the first position not examined (a match may run past {@code limit} but never past {@code len}).
     */
    private int scan(byte[] buf, int len, int limit, ByteArrayOutputStream out) {
        int i = 0;
        int copyFrom = 0;
        while (i < limit) {
            Pattern[] candidates = byFirstByte[buf[i] & 0xff];
            Pattern hit = null;
            if (candidates != null) {
                for (Pattern p : candidates) {
                    if (i + p.bytes.length <= len
                            && Arrays.equals(buf, i, i + p.bytes.length, p.bytes, 0, p.bytes.length)) {
                        hit = p;
                        break;
                    }
                }
            }
            if (hit == null) {
                i++;
            } else {
                out.write(buf, copyFrom, i - copyFrom);
                out.write(hit.replacement, 0, hit.replacement.length);
                i += hit.bytes.length;
                copyFrom = i;
            }
        }
        out.write(buf, copyFrom, i - copyFrom);
        return i;
    }

    /** A filter for one output stream. Not thread-safe: one writer. */
    public Stream stream() {
        return new Stream();
    }

    /** Redacts a stream delivered in chunks, holding back up to the longest form minus one byte. */
    public final class Stream {

        private byte[] pending = new byte[0];

        private Stream() {}

        /** Redacts a chunk; returns what can be released now (possibly empty). */
        public byte[] push(byte[] chunk, int offset, int length) {
            if (empty) {
                return Arrays.copyOfRange(chunk, offset, offset + length);
            }
            byte[] buf = new byte[pending.length + length];
            System.arraycopy(pending, 0, buf, 0, pending.length);
            System.arraycopy(chunk, offset, buf, pending.length, length);
            int limit = buf.length - (maxLength - 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream(buf.length);
            int next = limit > 0 ? scan(buf, buf.length, limit, out) : 0;
            pending = Arrays.copyOfRange(buf, next, buf.length);
            return out.toByteArray();
        }

        /** Releases what was held back, redacted (the stream ended). */
        public byte[] finish() {
            if (pending.length == 0) {
                return pending;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(pending.length);
            scan(pending, pending.length, pending.length, out);
            pending = new byte[0];
            return out.toByteArray();
        }
    }
}
