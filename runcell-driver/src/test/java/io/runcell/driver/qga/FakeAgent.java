package io.runcell.driver.qga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A scripted guest agent on a unix socket: each request line is answered with the raw lines the script returns. */
public final class FakeAgent implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    public final Path socket;
    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    final List<Boolean> resyncPrefixed = new CopyOnWriteArrayList<>();
    private final ServerSocketChannel server;
    private final Function<JsonNode, List<byte[]>> script;

    public FakeAgent(Path socket, Function<JsonNode, List<byte[]>> script) throws IOException {
        this.socket = socket;
        this.script = script;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().start(this::serve);
    }

    /** The agent's answer to {@code guest-sync-delimited}: a 0xFF, then the id echoed. */
    public static List<byte[]> syncReply(JsonNode req) {
        byte[] reply = line("{\"return\": " + req.path("arguments").path("id").asLong() + "}");
        byte[] withFf = new byte[reply.length + 1];
        withFf[0] = (byte) 0xFF;
        System.arraycopy(reply, 0, withFf, 1, reply.length);
        return List.of(withFf);
    }

    public static byte[] line(String json) {
        return (json + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private void serve() {
        try (SocketChannel ch = server.accept()) {
            ByteBuffer in = ByteBuffer.allocate(1 << 16);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean sawFf = false;
            while (ch.read(in.clear()) >= 0) {
                in.flip();
                while (in.hasRemaining()) {
                    byte b = in.get();
                    if (b == (byte) 0xFF) {
                        sawFf = true;
                    } else if (b == '\n') {
                        JsonNode req = JSON.readTree(line.toByteArray());
                        received.add(req);
                        resyncPrefixed.add(sawFf);
                        line.reset();
                        sawFf = false;
                        for (byte[] out : script.apply(req)) {
                            ch.write(ByteBuffer.wrap(out));
                        }
                    } else {
                        line.write(b);
                    }
                }
            }
        } catch (IOException closed) {
            // test over
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
