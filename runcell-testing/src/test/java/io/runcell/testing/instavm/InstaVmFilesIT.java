package io.runcell.testing.instavm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /upload} (multipart) and {@code /download} (form fields, base64 content) through the sandbox. */
class InstaVmFilesIT {

    static final String BOUNDARY = "----runcellBoundary7MA4YWxkTrZu0gW";
    /** Small caps (configured as an operator would) so that the 413s need no large transfers. */
    static final int MAX_UPLOAD = 256 * 1024;

    static final int MAX_DOWNLOAD = 128 * 1024;
    static TestServer server;
    static InstaVmFixture api;
    static InstaVmFixture other;

    @BeforeAll
    static void start() {
        server = TestServer.start(c -> c.withMaxUploadBytes(MAX_UPLOAD).withMaxDownloadBytes(MAX_DOWNLOAD));
        api = new InstaVmFixture(server, server.newAccountKey("files"));
        other = new InstaVmFixture(server, server.newAccountKey("files-other"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Http.Response upload(Map<String, String> fields, String fileName, byte[] data) {
        return api.http.sendBytes(
                "POST",
                "/upload",
                InstaVmFixture.multipart(BOUNDARY, fields, fileName, data),
                Map.of("Content-Type", "multipart/form-data; boundary=" + BOUNDARY));
    }

    static Http.Response downloadForm(String session, String field, String path) {
        String body =
                "session_id=" + session + "&" + field + "=" + java.net.URLEncoder.encode(path, StandardCharsets.UTF_8);
        return api.http.send("POST", "/download", body, Map.of("Content-Type", "application/x-www-form-urlencoded"));
    }

    @Test
    void uploadThenDownloadRoundTripsBinaryData() {
        String session = api.createSession(120);
        byte[] data = new byte[70_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("session_id", session);
        fields.put("remote_path", "/workspace/data/blob.bin");
        fields.put("recursive", "false");
        Http.Response up = upload(fields, "blob.bin", data);
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(up.json().get("path").asText()).isEqualTo("/workspace/data/blob.bin");
        assertThat(api.stdout(session, "wc -c < /workspace/data/blob.bin")).isEqualTo("70000\n");

        Http.Response down = downloadForm(session, "filename", "data/blob.bin");
        assertThat(down.status()).as(down.body()).isEqualTo(200);
        JsonNode json = down.json();
        assertThat(Base64.getDecoder().decode(json.get("content").asText())).isEqualTo(data);
        assertThat(json.get("size").asInt()).isEqualTo(70_000);

        Http.Response viaJson = api.http.post(
                "/download", "{\"session_id\":\"" + session + "\",\"remote_path\":\"/workspace/data/blob.bin\"}");
        assertThat(Base64.getDecoder().decode(viaJson.json().get("content").asText()))
                .isEqualTo(data);
    }

    @Test
    void createdFileIsDownloadableAndMissingFileIs404() {
        String session = api.createSession(120);
        api.bash(session, "printf 'héllo' > /workspace/out.txt");
        Http.Response down = downloadForm(session, "remote_path", "/workspace/out.txt");
        assertThat(new String(
                        Base64.getDecoder().decode(down.json().get("content").asText()), StandardCharsets.UTF_8))
                .isEqualTo("héllo");
        Http.Response missing = downloadForm(session, "filename", "nope.txt");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("detail").isTextual()).isTrue();
    }

    @Test
    void pathTraversalIsRejected() {
        String session = api.createSession(120);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("session_id", session);
        fields.put("remote_path", "/workspace/../etc/passwd");
        Http.Response up = upload(fields, "x", "pwned".getBytes(StandardCharsets.UTF_8));
        assertThat(up.status()).isEqualTo(422);
        assertThat(up.body())
                .isEqualTo(
                        "{\"detail\":[{\"loc\":[\"body\",\"remote_path\"],\"msg\":\"Value error, remote_path must not contain '..'\",\"type\":\"value_error\"}]}");
        fields.put("remote_path", "/etc/cron.d/x");
        assertThat(upload(fields, "x", "pwned".getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(422);
        Http.Response down = downloadForm(session, "remote_path", "../../etc/shadow");
        assertThat(down.status()).isEqualTo(422);
        assertThat(down.json().get("detail").get(0).get("loc").toString()).isEqualTo("[\"body\",\"remote_path\"]");
    }

    @Test
    void uploadWithoutFileOrSessionIsAValidationError() {
        Http.Response r = upload(Map.of("remote_path", "a.txt"), null, null);
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body())
                .isEqualTo("{\"detail\":[{\"loc\":[\"body\",\"file\"],\"msg\":\"Field required\",\"type\":\"missing\"},"
                        + "{\"loc\":[\"body\",\"session_id\"],\"msg\":\"Field required\",\"type\":\"missing\"}]}");
    }

    @Test
    void olderSdkUploadWithTheKeyOnlyAsAFormFieldIsAccepted() {
        String session = api.createSession(120);
        // what the older SDK's upload_file sends through requests: no auth header, the key among the form fields
        // (in this order), the file part named after the local path and without a Content-Type
        String boundary = "9f3c1b0e5d7a4c2e8b6f0a1d3e5c7b9a";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"remote_path\"\r\n\r\n"
                + "/workspace/sdk/notes.txt\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"api_key\"\r\n\r\n" + api.key + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"session_id\"\r\n\r\n" + session
                + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"recursive\"\r\n\r\nfalse\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"/tmp/job/notes.txt\""
                + "\r\n\r\nfrom the old sdk\n\r\n"
                + "--" + boundary + "--\r\n";
        Map<String, String> headers = Map.of(
                "Content-Type", "multipart/form-data; boundary=" + boundary,
                "User-Agent", "python-requests/2.31.0",
                "Accept", "*/*");
        Http.Response up = server.http().send("POST", "/upload", body, headers);
        assertThat(up.status()).as(up.body()).isEqualTo(200);
        assertThat(up.body())
                .isEqualTo("{\"success\":true,\"message\":\"File uploaded\",\"path\":\"/workspace/sdk/notes.txt\","
                        + "\"size\":17}");
        assertThat(api.stdout(session, "cat /workspace/sdk/notes.txt")).isEqualTo("from the old sdk\n");

        Http.Response badKey = server.http().send("POST", "/upload", body.replace(api.key, "nope"), headers);
        assertThat(badKey.status()).isEqualTo(401);
        assertThat(badKey.body()).isEqualTo("{\"detail\":\"Invalid API key\"}");
    }

    @Test
    void anotherAccountsSessionIsNotFoundForUploadAndDownload() {
        String session = api.createSession(120);
        Http.Response up = other.http.sendBytes(
                "POST",
                "/upload",
                InstaVmFixture.multipart(
                        BOUNDARY,
                        Map.of("session_id", session, "remote_path", "x.txt"),
                        "x.txt",
                        "x".getBytes(StandardCharsets.UTF_8)),
                Map.of("Content-Type", "multipart/form-data; boundary=" + BOUNDARY));
        assertThat(up.status()).isEqualTo(404);
        assertThat(up.body()).isEqualTo("{\"detail\":\"Session not found\"}");
        Http.Response down = other.http.send(
                "POST",
                "/download",
                "session_id=" + session + "&filename=x.txt",
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(down.status()).isEqualTo(404);
        assertThat(down.body()).isEqualTo("{\"detail\":\"Session not found\"}");
        // neither call started the owner's session
        assertThat(api.vmStatus(session)).isEqualTo("pending");
    }

    @Test
    void uploadBodyOverTheConfiguredCapIs413() {
        String session = api.createSession(120);
        Map<String, String> fields = Map.of("session_id", session, "remote_path", "big.bin");
        // the cap is on the whole request body: the file alone fills it here
        Http.Response r = upload(fields, "big.bin", new byte[MAX_UPLOAD]);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.body()).isEqualTo("{\"detail\":\"The body is larger than " + MAX_UPLOAD + " bytes.\"}");
        // a little under the cap, with the form around it, is taken
        Http.Response ok = upload(fields, "big.bin", new byte[MAX_UPLOAD - 1024]);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("size").asInt()).isEqualTo(MAX_UPLOAD - 1024);
    }

    @Test
    void downloadOverTheConfiguredCapIs413() {
        String session = api.createSession(120);
        api.bash(
                session,
                "head -c " + MAX_DOWNLOAD + " /dev/zero > /workspace/at-cap.bin; head -c " + (MAX_DOWNLOAD + 1)
                        + " /dev/zero > /workspace/over-cap.bin");
        Http.Response atCap = downloadForm(session, "filename", "at-cap.bin");
        assertThat(atCap.status()).as(atCap.body()).isEqualTo(200);
        assertThat(atCap.json().get("size").asInt()).isEqualTo(MAX_DOWNLOAD);
        Http.Response over = downloadForm(session, "filename", "over-cap.bin");
        assertThat(over.status()).isEqualTo(413);
        assertThat(over.header("content-type")).startsWith("application/json");
        assertThat(over.body())
                .isEqualTo(
                        "{\"detail\":\"The file is larger than the download limit of " + MAX_DOWNLOAD + " bytes.\"}");
    }
}
