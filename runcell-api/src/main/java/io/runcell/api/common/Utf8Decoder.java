package io.runcell.api.common;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a byte stream that arrives in chunks, keeping a multi-byte character split across two chunks whole.
 * Not thread-safe: one per stream.
 */
public final class Utf8Decoder {

    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private byte[] carry = new byte[0];

    public String decode(byte[] chunk) {
        byte[] input = new byte[carry.length + chunk.length];
        System.arraycopy(carry, 0, input, 0, carry.length);
        System.arraycopy(chunk, 0, input, carry.length, chunk.length);
        ByteBuffer in = ByteBuffer.wrap(input);
        CharBuffer out = CharBuffer.allocate(input.length + 1);
        decoder.decode(in, out, false);
        carry = new byte[in.remaining()];
        in.get(carry);
        out.flip();
        return out.toString();
    }
}
