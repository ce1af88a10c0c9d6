package io.runcell.api.common;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;

/** Reads request bodies with a size cap. */
public final class Bodies {

    /** Largest JSON body accepted (commands are capped far below this). */
    public static final int MAX_JSON_BYTES = 1024 * 1024;

    private static final String READ_BODY = "runcell.body";

    private Bodies() {}

    /** The whole body for relaying: the bytes a handler already read, else what is still unread (at most max). */
    public static byte[] replay(ServerRequest req, int max) {
        boolean read = req.context().get(READ_BODY, byte[].class).isPresent();
        if (!read && (!req.content().hasEntity() || req.content().consumed())) {
            return new byte[0];
        }
        return raw(req, max);
    }

    /**
     * The body parsed as JSON; an empty body is {@link NullNode}. Throws {@link MalformedBodyException} when it
     * is not JSON or is larger than {@link #MAX_JSON_BYTES}.
     */
    public static JsonNode json(ServerRequest req) {
        byte[] bytes = raw(req, MAX_JSON_BYTES);
        if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return NullNode.getInstance();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            return node == null ? NullNode.getInstance() : node;
        } catch (JsonParseException e) {
            throw new MalformedBodyException("The body is not valid JSON.", false);
        } catch (IOException e) {
            throw new MalformedBodyException("The body could not be read.", false);
        }
    }

    /**
     * The body as bytes, at most {@code max}. They are kept with the request, so that a request the core hands to
     * another node after its body was read can still be relayed whole ({@link #replay}).
     */
    public static byte[] raw(ServerRequest req, int max) {
        java.util.Optional<byte[]> read = req.context().get(READ_BODY, byte[].class);
        if (read.isPresent()) {
            // a second run of the handler (its first run's owner node was unreachable) sees the same body
            if (read.get().length > max) {
                throw new MalformedBodyException("The body is larger than " + max + " bytes.", true);
            }
            return read.get();
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new MalformedBodyException("The body is larger than " + max + " bytes.", true);
            }
            req.context().register(READ_BODY, bytes);
            return bytes;
        } catch (IOException e) {
            throw new MalformedBodyException("The body could not be read.", false);
        }
    }
}
